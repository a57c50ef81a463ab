import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramFake, tg } from "./fakes/telegram.ts";
import { findLitestream } from "../core/backups/litestream.ts";
import { randomPort, remoteClient, waitHealthy } from "./helpers/spawned-server.ts";

const ROOT = join(import.meta.dir, "..");
const OUT = join(mkdtempSync(join(tmpdir(), "charla-bin-")), "charla");

/** `bun run build` makes one executable that carries views, assets and migrations. */
describe("single-binary build", () => {
  beforeAll(() => {
    // An external plugin next to the binary, as an operator would drop one in.
    cpSync(join(ROOT, "tests/fixtures/plugins/good-echo"), join(OUT, "../plugins/good-echo"), { recursive: true });
    // A real channel plugin, its folder alone (it imports only types from the SDK).
    cpSync(join(ROOT, "plugins/telegram"), join(OUT, "../plugins/telegram"), { recursive: true });
    // The build `bun run build` runs (its entrypoints: main and the WAL checkpointer's worker), into OUT.
    const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { build: string } }).scripts.build.split(/\s+/);
    const args = script.map((a, i) => (script[i - 1] === "--outfile" ? OUT : a)).filter((a) => a !== "--sourcemap");
    const r = Bun.spawnSync(args, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  }, 120_000);
  afterAll(() => rmSync(join(OUT, ".."), { recursive: true, force: true }));

  test("the binary's WAL checkpointer worker starts (a worker missing from the build would leave checkpoints in the request path)", async () => {
    // Logged by core/db/wal-checkpointer.ts once the worker has checkpointed the database it opened.
    const data = mkdtempSync(join(tmpdir(), "charla-bin-wal-"));
    const port = randomPort();
    const proc = Bun.spawn([OUT, "serve"], {
      cwd: data,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: data, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "binary-pass-1", LOG_LEVEL: "info" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let text = "";
      const reader = proc.stderr.getReader();
      const reading = (async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      })();
      const base = `http://127.0.0.1:${port}`;
      expect(await waitHealthy(base)).toBe(true);
      // The worker runs while the server writes: sign-ins (a session row each) for a few seconds.
      for (let until = Date.now() + 10_000; Date.now() < until && !text.includes("WAL checkpoint"); ) await remoteClient(base).login("admin", "binary-pass-1");
      void reading;
      expect(text).toContain("WAL checkpoints run in a worker thread");
      expect(text).not.toContain("WAL checkpointer");
    } finally {
      proc.kill();
      await proc.exited;
      rmSync(data, { recursive: true, force: true });
    }
  });

  test("the binary runs the CLI", () => {
    expect(statSync(OUT).mode & 0o111).not.toBe(0);
    const r = Bun.spawnSync([OUT, "--help"], { stdout: "pipe" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("Usage: charla <command>");
  });

  test("the binary serves the panel, its assets and plugins next to it, from an unrelated directory", async () => {
    const data = mkdtempSync(join(tmpdir(), "charla-bin-data-"));
    const port = randomPort();
    // cwd is a bare temp dir: nothing from the checkout is reachable, so views,
    // assets and migrations must come from inside the binary.
    const proc = Bun.spawn([OUT, "serve"], {
      cwd: data,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: data, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "binary-pass-1", LOG_LEVEL: "error" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(await waitHealthy(base)).toBe(true);
      const htmx = await fetch(`${base}/assets/htmx.js`);
      expect(htmx.status).toBe(200);
      expect(await htmx.text()).toContain("htmx");
      expect((await fetch(`${base}/assets/app.css`)).status).toBe(200);
      const c = remoteClient(base);
      await c.login("admin", "binary-pass-1");
      expect(await c.html("/admin/companies")).toContain("Mi Empresa");
      // The plugin in the "plugins" folder next to the binary was loaded.
      expect(await c.html("/admin/channels")).toContain("Echo (test plugin)");
      expect(existsSync(join(data, "charla.db"))).toBe(true);
    } finally {
      proc.kill();
      await proc.exited;
      rmSync(data, { recursive: true, force: true });
    }
  });

  test("the binary runs the Telegram plugin from its plugins folder: a channel, an update in, a text and a photo out", async () => {
    const telegram = new TelegramFake();
    await telegram.start();
    const bot = telegram.addBot({ username: "tienda_bot", firstName: "Tienda" });
    const data = mkdtempSync(join(tmpdir(), "charla-bin-tg-"));
    const port = randomPort();
    const base = `http://127.0.0.1:${port}`;
    const proc = Bun.spawn([OUT, "serve"], {
      cwd: data,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: data, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: base, ADMIN_PASSWORD: "binary-pass-1", LOG_LEVEL: "error" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      expect(await waitHealthy(base)).toBe(true);
      const c = remoteClient(base);
      await c.login("admin", "binary-pass-1");
      const list = await c.html("/admin/channels");
      expect(list).toContain("Mensajes de su bot de Telegram");
      const form = await c.html("/admin/channels/new?plugin=telegram");
      for (const s of ["Token del bot", "Clave secreta del webhook", "URL de la API de bots (opcional)"]) expect(form).toContain(s);

      const saved = await c.post("/admin/channels?plugin=telegram", { name: "Telegram", queueId: "", reopenWindowMinutes: "0", "config.botToken": bot.token, "config.webhookSecret": "", "config.apiBaseUrl": telegram.base });
      expect(saved.status).toBe(303);
      const channelId = /\/admin\/channels\/(\d+)$/.exec(saved.headers.get("location") ?? "")?.[1];
      await c.html(`/admin/channels/${channelId}`);
      expect(bot.webhook?.url).toBe(`${base}/webhooks/${channelId}`);

      const user = { id: 4455667788, first_name: "Marta", last_name: "Ríos" };
      expect((await telegram.pushUpdate(bot.token, tg.text({ user, messageId: 3 }, "¿Hacen envíos a Medellín?")))?.status).toBe(200);
      const inbox = await c.html("/inbox");
      expect(inbox).toContain("Marta Ríos");
      const conversation = /href="\/inbox\/(\d+)/.exec(inbox)?.[1];
      expect(await c.html(`/inbox/${conversation}`)).toContain("¿Hacen envíos a Medellín?");

      expect((await c.post(`/inbox/${conversation}/messages`, { text: "Sí, en 2 días" })).status).toBe(303);
      const upload = new FormData();
      upload.set("_csrf", await c.csrf());
      upload.set("file", new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], "guia.jpg", { type: "image/jpeg" }));
      const photo = await fetch(`${base}/inbox/${conversation}/messages`, { method: "POST", body: upload, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "hx-request": "true" } });
      expect(photo.status).toBe(200);
      const [text, image] = await telegram.waitForSent(2, String(user.id));
      expect(text).toMatchObject({ method: "sendMessage", text: "Sí, en 2 días" });
      expect(image).toMatchObject({ method: "sendPhoto", file: { name: "guia.jpg", size: 4 } });
    } finally {
      proc.kill();
      await proc.exited;
      await telegram.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });

  test("the binary takes backups on its worker thread and runs litestream from beside it (as the Docker image lays them out)", async () => {
    const litestream = findLitestream({ litestreamPath: "" });
    const data = mkdtempSync(join(tmpdir(), "charla-bin-backup-"));
    const port = randomPort();
    const base = `http://127.0.0.1:${port}`;
    if (litestream) cpSync(litestream, join(OUT, "../litestream"));
    const env = { PATH: "/usr/bin:/bin", DATA_DIR: data, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "binary-pass-1", LOG_LEVEL: "error", ...(litestream ? { REPLICA_URL: `file://${data}/replica` } : {}) };
    const proc = Bun.spawn([OUT, "serve"], { cwd: data, env, stdout: "pipe", stderr: "pipe" });
    try {
      expect(await waitHealthy(base)).toBe(true);
      const c = remoteClient(base);
      await c.login("admin", "binary-pass-1");
      expect((await c.post("/admin/backups")).status).toBe(303);
      let page = "";
      for (let i = 0; i < 100 && !page.includes("-manual.db"); i++) {
        await Bun.sleep(50);
        page = await c.html("/admin/backups");
      }
      expect(page).toContain("-manual.db");
      if (litestream) {
        expect(page).toContain('id="replica-state"');
        expect(existsSync(join(data, "litestream.pid"))).toBe(true);
      } else console.log("litestream part skipped: no litestream executable here");
      const cli = Bun.spawnSync([OUT, "backup", "--out", join(data, "cli.db")], { cwd: data, env, stdout: "pipe" });
      expect(cli.exitCode).toBe(0);
    } finally {
      proc.kill();
      await proc.exited;
      rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);
});
