"""The provider's claims: whatever the test wrote for the user in ``PROVIDER_CLAIMS``."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    # Every claim the test declares is released (no per-scope filtering).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        with open(os.environ["PROVIDER_CLAIMS"], encoding="utf-8") as handle:
            claims = json.load(handle)
        return dict(claims.get(request.user.username, {}))
