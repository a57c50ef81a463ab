import { afterAll, describe, expect, test } from "bun:test";
import { freePort } from "../helpers/live-server.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { SpawnedCharla } from "../helpers/spawned-server.ts";
import { RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";

describe("sends pending when the process is killed", () => {
  const charla = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR });
  const provider = new RelayProvider();
  afterAll(() => {
    charla.stop();
    provider.stop();
  });

  test("after a kill -9 and a restart, each pending message is sent exactly once", async () => {
    // Nobody listens there yet: the provider is "down" until we start it on that port.
    const providerPort = freePort();
    const first = await charla.serve();
    charla.token("kill");
    const call = charla.call.bind(charla);

    const channel = (await (
      await call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: `http://127.0.0.1:${providerPort}/send`, token: RELAY_TOKEN } })
    ).json()) as { id: number };
    const hook = await fetch(`${charla.base}/webhooks/${channel.id}`, {
      method: "POST",
      headers: { "x-relay-token": RELAY_TOKEN },
      body: JSON.stringify({ messages: [{ id: "k1", from: "5215550001", text: "hola" }] }),
    });
    expect(hook.status).toBe(200);
    const conversation = ((await (await call("GET", "/api/v1/conversations")).json()) as { data: { id: number }[] }).data[0]!.id;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", `/api/v1/conversations/${conversation}/messages`, { text: `mensaje ${i}` });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: number }).id);
    }
    // The provider is unreachable: every first attempt fails and is rescheduled. Then the process dies hard.
    await Bun.sleep(300);
    first.kill("SIGKILL");
    await first.exited;

    provider.start(providerPort);
    await charla.serve();
    for (let i = 0; i < 300 && new Set(provider.calls.map((c) => c.key)).size < ids.length; i++) await Bun.sleep(20);
    await Bun.sleep(300); // room for any duplicate to show up

    const perKey = new Map<string, number>();
    for (const c of provider.calls) perKey.set(c.key, (perKey.get(c.key) ?? 0) + 1);
    expect(Object.fromEntries(perKey)).toEqual(Object.fromEntries(ids.map((id) => [`charla-${id}`, 1])));
    const statuses = ((await (await call("GET", `/api/v1/conversations/${conversation}/messages`)).json()) as { data: { id: number; status: string }[] }).data
      .filter((m) => ids.includes(m.id))
      .map((m) => m.status);
    expect(statuses).toEqual(["sent", "sent", "sent", "sent", "sent"]);
  }, 30_000);
});
