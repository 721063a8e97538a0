// A real OpenID provider (the oidc-provider package) on a loopback port, for the tests of
// sign-in with organisation accounts. Run: node oidc_provider.mjs CONFIG.json
//
// CONFIG: {"port": N, "secret": "...", "clients": ["chaperon", ...], "accounts_file": PATH}.
// The accounts file is read at each sign-in, so a test can write the accounts it needs:
// {"<login>": {"sub": "...", "amr": ["pwd"], "claims": {"email": ..., "tid": ..., "hd": ...}}}.
// Two clients have their ID tokens changed after they are made, signed again with the
// provider's own key, as a provider that is wrong or attacked would: "chaperon-wrong-aud"
// (issued to another application) and "chaperon-expired" (expired an hour ago).
import http from "node:http";
import { readFileSync } from "node:fs";
import { generateKeyPair, exportJWK, decodeJwt, SignJWT } from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const KID = "chaperon-test-key";
const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: KID, use: "sig", alg: "RS256" };

const accounts = () => JSON.parse(readFileSync(config.accounts_file, "utf8"));
// The provider's account id is the subject; two logins may share one (an address changed at
// the provider), so the claims are those of the login last used for it.
const loginOfSubject = new Map();

const provider = new Provider(issuer, {
  clients: config.clients.map((clientId) => ({
    client_id: clientId,
    client_secret: config.secret,
    redirect_uris: ["http://127.0.0.1/unused"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ["a fictional test cookie key"] },
  claims: {
    openid: ["sub", "tid", "hd", "amr"],
    email: ["email", "email_verified", "xms_edov"],
    profile: ["name"],
  },
  scopes: ["openid", "email", "profile"],
  conformIdTokenClaims: false, // the claims in the ID token, as Entra and Google give them
  features: { devInteractions: { enabled: false } },
  // One client goes without PKCE, so that a test reaches the nonce check alone.
  pkce: { required: (ctx, client) => client.clientId !== "chaperon-no-pkce" },
  ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, IdToken: 3600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, subject) {
    const account = accounts()[loginOfSubject.get(subject)];
    if (!account) return undefined;
    return {
      accountId: subject,
      async claims() {
        return { sub: account.sub, ...account.claims };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // First-party: consent is never asked.
    const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["tid", "hd", "email", "email_verified", "xms_edov", "name"]);
    await grant.save();
    return grant;
  },
});
// Chaperon's test servers listen on ports chosen at run time.
provider.Client.prototype.redirectUriAllowed = (uri) =>
  ["http://127.0.0.1:", "http://localhost:", "http://testserver/"].some((start) =>
    uri.startsWith(start),
  );

const TAMPER = {
  "chaperon-wrong-aud": (claims) => ({ ...claims, aud: "another-application" }),
  "chaperon-expired": (claims) => ({ ...claims, iat: claims.iat - 7200, exp: claims.iat - 3600 }),
};
provider.use(async (ctx, next) => {
  await next();
  const change = TAMPER[ctx.oidc?.client?.clientId];
  if (ctx.path === "/token" && change && ctx.body?.id_token) {
    const claims = change(decodeJwt(ctx.body.id_token));
    ctx.body.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" })
      .sign(privateKey);
  }
});

const page = (uid, error) => `<!doctype html><html lang="en"><head><title>Test provider sign-in</title></head>
<body><main><h1>Test provider sign-in</h1>${error ? `<p role="alert">${error}</p>` : ""}
<form method="post" action="/interaction/${uid}"><label for="login">Account</label>
<input id="login" name="login" autocomplete="off"><button type="submit">Continue</button></form></main></body></html>`;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(details.uid, ""));
    return;
  }
  let body = "";
  for await (const chunk of req) body += chunk;
  const login = new URLSearchParams(body).get("login") || "";
  const account = accounts()[login];
  if (!account) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(details.uid, "No such account."));
    return;
  }
  loginOfSubject.set(account.sub, login);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.sub, amr: account.amr || ["pwd"] } },
    { mergeWithLastSubmission: false },
  );
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  } else {
    handle(req, res);
  }
});
server.listen(config.port, "127.0.0.1", () => console.log(`listening ${issuer}`));
