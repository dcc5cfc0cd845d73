import type { Command } from "commander";
import { readConfig, writeConfig, configFile, normalizeUrl } from "../config";
import { CLI_VERSION, CliError, type Ctx, EXIT, unwrap } from "../context";
import { fields, print } from "../output";
import { ask } from "../prompt";

// config set-url/get, login, logout, whoami, version.

export function sessionCommands(program: Command, ctx: () => Ctx): void {
  const config = program.command("config").description("The console's address and where the CLI keeps it");
  config
    .command("set-url <url>")
    .description("Save the console's address (e.g. https://console.example.com)")
    .action((raw: string) => {
      let url: string;
      try {
        url = normalizeUrl(raw);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      const c = ctx();
      const saved = readConfig(c.env);
      // Another console: the old token is not for it.
      const next = saved.url && saved.url !== url ? { url } : { ...saved, url };
      writeConfig(next, c.env);
      print(c.out, { url, file: configFile(c.env) }, () => `console address set to ${url}`);
    });
  config
    .command("get [key]")
    .description("Show the settings in effect (url, user, where they come from); the token is never printed")
    .action((key: string | undefined) => {
      const c = ctx();
      const saved = readConfig(c.env);
      const urlFrom = program.opts().url ? "--url" : c.env.AIINFRA_URL ? "AIINFRA_URL" : saved.url ? "config" : null;
      const tokenFrom = c.env.AIINFRA_TOKEN ? "AIINFRA_TOKEN" : saved.token ? "config" : null;
      const view = {
        url: urlFrom ? c.url() : null,
        urlFrom,
        user: tokenFrom === "config" ? (saved.username ?? null) : null,
        signedIn: tokenFrom !== null,
        tokenFrom,
        file: configFile(c.env),
      };
      if (key !== undefined) {
        if (!(key in view)) throw new CliError(`unknown key ${key}: one of ${Object.keys(view).join(", ")}`, EXIT.usage);
        const v = view[key as keyof typeof view];
        return print(c.out, v, () => String(v ?? ""));
      }
      print(c.out, view, () => fields(Object.entries(view)));
    });

  program
    .command("login")
    .description("Sign in (asks for the password) or save an API token (--token); kept in the config file, mode 0600")
    .option("-u, --username <name>", "username or email")
    .option("--token <token>", "an API token (Profile → API tokens) instead of a password; - reads it from stdin (kept out of ps and history)")
    .action(async (o: { username?: string; token?: string }) => {
      const c = ctx();
      const base = c.url();
      if (o.token === "-") o.token = (await ask("API token: ", { hidden: true })).trim();
      if (o.token) {
        // Checked before it is saved.
        const me = await unwrap(c.clientWith(o.token).GET("/api/v1/users/me"));
        writeConfig({ ...readConfig(c.env), url: base, token: o.token, username: me.username, tokenKind: "api" }, c.env);
        return print(c.out, { url: base, user: me }, () => `signed in to ${base} as ${me.username} (API token)`);
      }
      const username = o.username ?? (await ask("Username or email: "));
      const password = await ask("Password: ", { hidden: true });
      if (!username.trim() || !password) throw new CliError("a username and a password are needed", EXIT.usage);
      const answer = await unwrap(c.anonymous().POST("/api/v1/auth/login", { body: { username: username.trim(), password } }));
      writeConfig({ ...readConfig(c.env), url: base, token: answer.token, username: answer.user.username, tokenKind: "login" }, c.env);
      print(
        c.out,
        { url: base, user: answer.user, expiresAt: answer.expiresAt },
        () => `signed in to ${base} as ${answer.user.username} until ${answer.expiresAt}`,
      );
    });

  program
    .command("logout")
    .description("Sign out: a login token is ended on the console, and the saved token is forgotten")
    .action(async () => {
      const c = ctx();
      const saved = readConfig(c.env);
      if (!saved.token) return print(c.out, { signedOut: false }, () => "not signed in");
      if (saved.tokenKind === "login" && saved.url) {
        // Ended on the console too; if it cannot be reached, the token is forgotten here anyway.
        await unwrap(c.client().POST("/api/v1/auth/logout")).catch(() => undefined);
      }
      const { token: _t, username: _u, tokenKind: _k, ...rest } = saved;
      writeConfig(rest, c.env);
      print(c.out, { signedOut: true }, () =>
        saved.tokenKind === "api" ? "signed out (the API token itself stays valid: revoke it on your profile)" : "signed out",
      );
    });

  program
    .command("whoami")
    .description("Who the CLI is signed in as")
    .action(async () => {
      const c = ctx();
      const me = await unwrap(c.client().GET("/api/v1/users/me"));
      print(c.out, me, () =>
        fields([
          ["user", me.username],
          ["email", me.email],
          ["role", me.role],
          ["console", c.url()],
        ]),
      );
    });

  program
    .command("version")
    .description("The CLI's version (and the console's, when its address is set and it answers); needs no sign-in")
    .action(async () => {
      const c = ctx();
      let server: string | null = null;
      let url: string | null = null;
      try {
        url = c.url();
      } catch {}
      if (url) {
        const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.json() as Promise<{ version?: string }>)
          .catch(() => null);
        server = health?.version ?? null;
      }
      print(
        c.out,
        { cli: CLI_VERSION, console: server, url },
        () => `aiinfra ${CLI_VERSION}${url ? `\nconsole ${server ?? "(did not answer)"} at ${url}` : ""}`,
      );
    });
}
