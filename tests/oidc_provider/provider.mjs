// Throwaway OpenID Connect provider for the test suite only (never deployed).
// Configured by environment variables, see tests/oidc_fixture.py, which starts it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map(
  JSON.parse(required('OIDC_ACCOUNTS')).map((account) => [account.sub, account]),
);

// A fresh signing key per run, so nothing is downloaded and no key is ever committed.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: required('OIDC_CLIENT_ID'),
    client_secret: required('OIDC_CLIENT_SECRET'),
    redirect_uris: [required('OIDC_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // A client registered with client_secret_basic also authenticates with
    // client_secret_post in oidc-provider 9 (lib/shared/client_auth.js).
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scope claims into the ID token too (the default keeps them for /me only),
  // because the portal reads email and email_verified from the ID token.
  conformIdTokenClaims: false,
  // Confidential clients are not forced to use PKCE by default; the portal must always send S256
  // (the only method oidc-provider 9 accepts), so make a missing code_challenge an error.
  pkce: { required: () => true },
  // Only back-channel calls (token, discovery) come from the tests: no browser origin needs CORS.
  clientBasedCORS: () => false,
  features: {
    // Replaced by the browser-less interaction below.
    devInteractions: { enabled: false },
  },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      // The provider filters these by the scopes and claims actually granted.
      async claims() {
        return {
          sub,
          email: account.email,
          email_verified: account.email_verified,
          name: account.name,
        };
      },
    };
  },
});

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid) {
  return `<!doctype html><meta charset="utf-8"><title>Test sign-in</title>
<form method="post" action="/interaction/${uid}">
<label>Account sub <input name="login" autofocus></label> <button>Sign in</button>
</form>`;
}

// Browser-less interactions: `?login=<sub>` (or a form POST with field `login`) signs that account in,
// `?deny=1` answers access_denied, and the consent step that follows is granted automatically
// for whatever the client asked. Each step redirects back to the provider, which redirects on.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
  if (!match || !['GET', 'POST'].includes(ctx.method)) return next();

  try {
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    const input = ctx.method === 'POST' ? await readForm(ctx.req) : new URLSearchParams(ctx.querystring);
    const { prompt, params, session } = interaction;
    let result;

    if (input.get('deny')) {
      result = { error: 'access_denied', error_description: 'the test user denied the request' };
    } else if (prompt.name === 'login') {
      const sub = input.get('login');
      if (!sub) {
        ctx.type = 'html';
        ctx.body = loginForm(match[1]);
        return undefined;
      }
      if (!accounts.has(sub)) {
        ctx.status = 400;
        ctx.body = `unknown test account ${JSON.stringify(sub)}`;
        return undefined;
      }
      result = { login: { accountId: sub } };
    } else if (prompt.name === 'consent') {
      const { details } = prompt;
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      result = { consent: interaction.grantId ? {} : { grantId } };
    } else {
      ctx.status = 400;
      ctx.body = `unsupported prompt ${prompt.name}`;
      return undefined;
    }

    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(returnTo);
  } catch (err) {
    // Plain text, so a failing test shows why (e.g. missing interaction cookie, expired interaction).
    ctx.status = err.statusCode || err.status || 500;
    ctx.body = `${err.name}: ${err.message}`;
  }
  return undefined;
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
