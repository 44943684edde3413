import { expect } from "chai";
import { join } from "node:path";

import { createApp } from "../../server/app.ts";
import { createBatcher } from "../../server/batcher.ts";
import { createChainClient } from "../../server/chain/clients.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createLogger } from "../../server/logger.ts";
import { createMetrics } from "../../server/metrics.ts";
import { openApiDocument } from "../../server/openapi.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { tempDir } from "./helpers/processes.ts";

/** Every (METHOD, /openapi/{path}) the express app has registered. */
function registeredRoutes(app: any): string[] {
  const routes: string[] = [];
  for (const layer of app.router.stack) {
    const route = layer.route;
    if (route === undefined) continue;
    const path = String(route.path).replace(/[:*]([A-Za-z_]+)/g, "{$1}");
    for (const method of Object.keys(route.methods)) if (route.methods[method]) routes.push(`${method.toUpperCase()} ${path}`);
  }
  return routes;
}

describe("OpenAPI document", function () {
  it("documents every route the app registers, and nothing else", async function () {
    const store = createSqliteStore({ path: join(tempDir(), "db.sqlite") });
    const pool = createHashPool({ size: 0 });
    const chain = createChainClient({ rpcUrl: "http://127.0.0.1:9", chainId: 31337 });
    const app = createApp({
      store,
      pool,
      batcher: createBatcher({ maxSize: 10, maxWaitMs: 1000, store }),
      chain: { ...chain, chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      index: { syncTo: async () => undefined, cursor: async () => undefined },
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: "silent" }),
      settings: {
        batchMaxSize: 10,
        confirmations: 1,
        allowedChainIds: [31337],
        limits: { bodyLimitBytes: 1e6, ndjsonLimitBytes: 1e6, maxCredentialsPerRequest: 10, rateLimitPerSecond: 0, rateLimitBurst: 1, requestTimeoutMs: 1000 },
      },
    });
    const registered = registeredRoutes(app).sort();
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(registered.length).to.be.greaterThan(15);
    expect(registered).to.deep.equal(documented);
    await pool.close();
    await store.close();
  });

  it("names the scope each /v1 operation needs (read for every GET); the public verify operations need none", function () {
    const open = ["/v1/verify", "/v1/pathways/verify", "/v1/pathways/progress"];
    for (const [path, operations] of Object.entries(openApiDocument.paths)) {
      if (!path.startsWith("/v1/") || open.includes(path)) continue;
      for (const [method, operation] of Object.entries(operations) as [string, any][]) {
        const scopes = operation.security?.[0]?.bearer;
        expect(scopes, `${method} ${path}`).to.have.length(1);
        if (method === "get" && path !== "/v1/tokens") expect(scopes, `${method} ${path}`).to.deep.equal(["read"]);
      }
    }
    for (const path of open) expect((openApiDocument.paths[path as "/v1/verify"].post as any).security, path).to.deep.equal([{}, { bearer: [] }]);
  });

  it("is OpenAPI 3.1 with an operationId per operation", function () {
    expect(openApiDocument.openapi).to.equal("3.1.0");
    const ids = Object.values(openApiDocument.paths).flatMap((operations) => Object.values(operations).map((operation: any) => operation.operationId));
    expect(new Set(ids).size).to.equal(ids.length);
  });
});
