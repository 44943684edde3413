/**
 * A full disk, for real: the service's database on a small tmpfs that the test fills up.
 * Intake answers 503 CA_STORAGE_FULL (not 500), the log carries SQLite's own cause,
 * readiness reports it, nothing is partly stored, and everything recovers once there is
 * space again. Mounting needs root (CI and this machine run tests as root).
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";

import { expect } from "chai";

import { createLogger } from "../../server/logger.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";
import { tempDir } from "./helpers/processes.ts";

/** Writes zeros into `path` until the filesystem has no space left. */
function fillUp(path: string): void {
  const fd = openSync(path, "w");
  const block = new Uint8Array(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

describe("storage: a full disk", function () {
  this.timeout(120_000);
  let mountPoint: string;
  let fixture: Fixture;
  const logs: string[] = [];

  before(async function () {
    // Mounting a filesystem needs root (CI and this machine run as root). Without it the
    // scenario would need a test-only hook into the service's own SQLite connection
    // (PRAGMA max_page_count), so it is skipped, by name, rather than faked.
    if (process.getuid?.() !== 0) this.skip();
    mountPoint = join(tempDir(), "small-disk");
    mkdirSync(mountPoint);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint]);
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    fixture = await startFixture({
      secondInstitution: false,
      logger: createLogger({ level: "info", destination }),
      env: { CREDANCHOR_DB_PATH: join(mountPoint, "credanchor.db"), CREDANCHOR_DB_CACHE_BYTES: String(8 * 1024 * 1024) },
    });
  });
  after(async function () {
    if (mountPoint !== undefined) rmSync(join(mountPoint, "filler"), { force: true }); // room for the closing checkpoint
    try {
      await fixture?.stop();
    } finally {
      if (mountPoint !== undefined) {
        try {
          execFileSync("umount", ["--lazy", mountPoint]);
        } catch {
          // not mounted
        }
      }
    }
  });

  it("answers 503 CA_STORAGE_FULL with SQLite's cause in the log, reports it in /readyz, stores nothing partly, and recovers", async function () {
    const single = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 0 }) });
    expect(single.status, single.text).to.equal(202);
    const before = await fixture.service.store.countPendingCredentials();
    // The refused request must need more new space than SQLite could find in files it has
    // already (a rewound WAL is written over from its start): several times the WAL's size.
    const count = 5_000;
    const bulk = { credentials: Array.from({ length: count }, (_, i) => ({ clientId: `full-${i}`, credential: sampleCredential({ n: 1000 + i }) })) };
    const walBytes = statSync(join(mountPoint, "credanchor.db-wal")).size;
    expect(walBytes, "WAL size before the disk fills").to.be.below(JSON.stringify(bulk).length / 4);
    const filler = join(mountPoint, "filler");
    fillUp(filler);

    const refused = await fixture.request("POST", "/v1/credentials", { body: bulk });
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body.error.code).to.equal("CA_STORAGE_FULL");
    expect(await fixture.service.store.countPendingCredentials()).to.equal(before);
    const logged = logs.join("");
    expect(logged).to.include("database or disk is full");
    expect(logged).to.not.include("cannot rollback");

    const notReady = await fixture.request("GET", "/readyz", { token: null });
    expect(notReady.status).to.equal(503);
    expect(notReady.body.checks.database).to.include({ ok: false, code: "CA_STORAGE_FULL" });
    expect(notReady.body.checks.database.detail).to.include("database or disk is full");

    rmSync(filler);
    // Readiness recovers by itself (the store probes with a tiny write), before any new request.
    await eventually(async () => ((await fixture.request("GET", "/readyz", { token: null })).status === 200 ? true : undefined), 20_000, "ready again");
    const accepted = await fixture.request("POST", "/v1/credentials", { body: bulk });
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body.credentials).to.have.length(count);
    expect(accepted.body.credentials.some((entry: { existing?: true }) => entry.existing)).to.equal(false);
    expect(await fixture.service.store.countPendingCredentials()).to.equal(before + count);
  });
});
