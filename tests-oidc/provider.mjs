// A real OpenID Connect provider for onramp's single sign-on tests: the certified `oidc-provider`,
// one confidential client, and people read from a JSON fixture at every sign-in (so that a test
// may change someone's e-mail address between two sign-ins).
//
//   node tests-oidc/provider.mjs --port 4000 --client-id onramp --client-secret s3cret \
//     --redirect-uri http://127.0.0.1:8080/sign-in/oidc/oidc/callback \
//     --post-logout-redirect-uri http://127.0.0.1:8080/login --accounts people.json
//
// people.json: {"alice": {"sub": "a-1", "email": "alice@example.org", "email_verified": true}}
// The sign-in page is a plain HTML form: one field, `login`, naming a person of the fixture.
// Consent is given for the one client without asking. Prints "ready ISSUER" once listening.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    'post-logout-redirect-uri': { type: 'string' },
    accounts: { type: 'string' },
  },
});
for (const name of ['port', 'client-id', 'client-secret', 'redirect-uri', 'post-logout-redirect-uri', 'accounts']) {
  if (!options[name]) {
    console.error(`provider.mjs: --${name} is required`);
    process.exit(2);
  }
}

const issuer = `http://127.0.0.1:${options.port}`;
const people = () => JSON.parse(readFileSync(options.accounts, 'utf8'));
const bySubject = (sub) => Object.values(people()).find((person) => person.sub === sub);

const provider = new Provider(issuer, {
  clients: [{
    client_id: options['client-id'],
    client_secret: options['client-secret'],
    redirect_uris: [options['redirect-uri']],
    post_logout_redirect_uris: [options['post-logout-redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // The e-mail claims in the ID token, as the usual providers put them.
  conformIdTokenClaims: false,
  cookies: { keys: ['onramp-tests-only'] },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(_ctx, sub) {
    const person = bySubject(sub);
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: person.email, email_verified: person.email_verified };
      },
    };
  },
  // A first-party client: consent is given without asking.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function form(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const { uid, prompt } = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Sign in</title><h1>Sign in (${escape(prompt.name)})</h1>
<form method="post" action="/interaction/${escape(uid)}"><label>Login <input name="login"></label><button>Sign in</button></form>`);
    return;
  }
  const login = (await form(req)).get('login');
  const person = people()[login];
  if (!person) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Unknown</title><p>No such person: ${escape(login)}</p>`);
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  } else {
    callback(req, res);
  }
}).listen(Number(options.port), '127.0.0.1', () => console.log(`ready ${issuer}`));
