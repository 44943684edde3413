import { wrapDocuments, wrapDocument } from "@govtechsg/open-attestation";
import { openAttestationDocuments } from "./lib/fixtures.ts";
const d = openAttestationDocuments(2000);
let t = performance.now(); for (const x of d.slice(0,1000)) wrapDocument(x as any); console.log("1000 wrapDocument", performance.now()-t);
t = performance.now(); wrapDocuments(d.slice(0,1000) as any); console.log("wrapDocuments 1000", performance.now()-t);
t = performance.now(); wrapDocuments(d as any); console.log("wrapDocuments 2000", performance.now()-t);
