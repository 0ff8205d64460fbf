/**
 * Company sign-in: an OpenID Connect and/or a SAML identity provider federated into the user pool,
 * shown on the hosted UI. The OIDC client secret comes from Secrets Manager as a dynamic reference
 * CloudFormation resolves at deploy time: it never appears in the template.
 */
import { SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';

/** The user-pool attribute an IdP's groups claim lands in (`custom:groups` in the ID token). */
export const GROUPS_ATTRIBUTE = 'groups';

export interface OidcSettings {
  name: string;
  issuer: string;
  clientId: string;
  /** A Secrets Manager secret (name or ARN) whose SecretString is the client secret. */
  clientSecretName: string;
  /** The claim holding the user's groups, copied to `custom:groups`. */
  groupsClaim?: string;
}

export interface SamlSettings {
  name: string;
  metadataUrl: string;
  emailAttribute: string;
}

export interface CompanyProviders {
  oidc?: OidcSettings;
  saml?: SamlSettings;
}

export function addCompanyProviders(
  scope: Construct,
  userPool: cognito.IUserPool,
  settings: CompanyProviders,
): cognito.IUserPoolIdentityProvider[] {
  const providers: cognito.IUserPoolIdentityProvider[] = [];
  const { oidc, saml } = settings;
  if (oidc)
    providers.push(
      new cognito.UserPoolIdentityProviderOidc(scope, 'Oidc', {
        userPool,
        name: oidc.name,
        issuerUrl: oidc.issuer,
        clientId: oidc.clientId,
        // `{{resolve:secretsmanager:…}}`: CloudFormation reads it; the template never holds it.
        clientSecret: SecretValue.secretsManager(oidc.clientSecretName).unsafeUnwrap(),
        scopes: ['openid', 'email', 'profile'],
        attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
        attributeMapping: {
          email: cognito.ProviderAttribute.other('email'),
          emailVerified: cognito.ProviderAttribute.other('email_verified'),
          fullname: cognito.ProviderAttribute.other('name'),
          givenName: cognito.ProviderAttribute.other('given_name'),
          familyName: cognito.ProviderAttribute.other('family_name'),
          ...(oidc.groupsClaim
            ? {
                custom: { [`custom:${GROUPS_ATTRIBUTE}`]: cognito.ProviderAttribute.other(oidc.groupsClaim) },
              }
            : {}),
        },
      }),
    );
  if (saml)
    providers.push(
      new cognito.UserPoolIdentityProviderSaml(scope, 'Saml', {
        userPool,
        name: saml.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(saml.metadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other(saml.emailAttribute) },
        idpSignout: false,
      }),
    );
  return providers;
}
