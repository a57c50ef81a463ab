/**
 * Imported for its side effect by bench seeders only: argon2id with tiny
 * parameters instead of Bun's defaults (~100-200 ms per hash or check here), so
 * thousands of seeded agents can be created and signed in within seconds. The
 * parameters travel inside each hash string, so the server under test checks
 * these hashes just as cheaply; sign-in cost is not what the benches measure.
 */
const realHash = Bun.password.hash.bind(Bun.password);
(Bun.password as { hash: (p: string) => Promise<string> }).hash = (plain: string) => realHash(plain, { algorithm: "argon2id", memoryCost: 64, timeCost: 1 });
