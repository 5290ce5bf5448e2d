// A real OpenID Connect provider (the npm package oidc-provider) for the browser tests of
// single sign-on: `node provider.mjs PORT REDIRECT_URI`, with the people it knows as JSON in
// OIDC_TEST_ACCOUNTS ({"login": {claims...}}). Its own development sign-in page takes any
// password; consent is taken as given, as a council's own app registration does.
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS || "{}");

const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: "tracker",
      client_secret: "tracker-test-secret",
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  // Every claim in the ID token too, as Entra ID sends roles and groups.
  conformIdTokenClaims: false,
  claims: {
    openid: ["sub", "roles", "groups"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
  },
  cookies: { keys: ["tests-only-not-a-secret"] },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

provider.listen(Number(port), "127.0.0.1", () => console.log(`listening on ${port}`));
