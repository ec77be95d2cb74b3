"""The key rule, without a server: who must present the key, and what a refusal says."""

from __future__ import annotations

from quartiers.api.auth import KeyRule


def test_loopback_without_key_is_open_and_with_key_is_guarded() -> None:
    assert KeyRule.for_host(None, "127.0.0.1").refusal(None) is None
    guarded = KeyRule.for_host("secret", "127.0.0.1")
    assert guarded.refusal("Bearer secret") is None
    for header in (None, "Bearer autre", "secret", "Basic secret"):
        refused = guarded.refusal(header)
        assert refused is not None and refused.status == 401 and refused.code == "invalid_api_key"
        assert "secret" not in refused.message


def test_beyond_loopback_without_key_the_api_is_closed() -> None:
    rule = KeyRule.for_host(None, "0.0.0.0")
    refused = rule.refusal("Bearer n-importe-quoi")
    assert refused is not None and refused.code == "api_key_not_configured" and "QUARTIERS_API_KEY" in refused.message
