/**
 * Whether a credential submitted again under an idempotency key is the one stored under
 * it. Equal bodies are; so are two credentials the service signed and gave a status list
 * entry, when they are equal without what the service added: a retry is signed again (a
 * new proof id and time) and is given a fresh entry, and the stored one, with its
 * original signature and index, is the answer. Rare path: only keys already in use.
 */
import { canonicalJson } from "../../core/jcs.ts";
import { toExistingRecord, type Row } from "./sqliteRows.ts";
import type { IntakeItem, IntakeRecord } from "./types.ts";

/** The credential without the service's additions (issuer signature, status entry), as JCS. */
function submittedContent(body: string): string {
  const { proof: _proof, credentialStatus: _status, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return canonicalJson(rest);
}

/** A stored or submitted credential, as idempotency compares it. */
export type SubmittedCredential = { readonly body: string; readonly hasServiceStatus: boolean };

/**
 * @example
 * ```ts
 * sameSubmission({ body: stored, hasServiceStatus: true }, { body: retried, hasServiceStatus: true }); // true
 * ```
 */
export function sameSubmission(stored: SubmittedCredential, submitted: SubmittedCredential): boolean {
  if (stored.body === submitted.body) return true;
  if (!stored.hasServiceStatus || !submitted.hasServiceStatus) return false;
  return submittedContent(stored.body) === submittedContent(submitted.body);
}

/** What intake does with each item of a request, decided before anything is written. */
export type IntakePlan = {
  /** Answers for items already stored under their key (the rest stay undefined). */
  readonly records: (IntakeRecord | undefined)[];
  /** Items whose key holds another credential (stored, or earlier in the request): the request is refused. */
  readonly conflicts: { position: number; clientId: string }[];
  /** Items to store, in request order. */
  readonly fresh: number[];
  /** [position, position of the first item with the same key]: answered like that one. */
  readonly aliases: [number, number][];
};

const asSubmitted = (item: IntakeItem): SubmittedCredential => ({ body: item.body, hasServiceStatus: item.status !== undefined });

/**
 * Sorts a request's items by idempotency key, for both stores: new, repeated within the
 * request, already stored (the same submission: answered with the stored credential), or
 * in conflict. `storedRow` returns the row stored under a key (with `body`, `status_list`
 * and the columns {@link toExistingRecord} reads), if any.
 *
 * @example
 * ```ts
 * const plan = planIntake(items, (clientId) => known.get(clientId));
 * if (plan.conflicts.length > 0) return { ok: false, conflicts: plan.conflicts };
 * ```
 */
export function planIntake(items: readonly IntakeItem[], storedRow: (clientId: string) => Row | undefined): IntakePlan {
  const plan: IntakePlan = { records: new Array(items.length), conflicts: [], fresh: [], aliases: [] };
  const firstByKey = new Map<string, number>();
  for (let position = 0; position < items.length; position++) {
    const item = items[position]!;
    if (item.clientId === null) {
      plan.fresh.push(position);
      continue;
    }
    const first = firstByKey.get(item.clientId);
    if (first !== undefined) {
      if (sameSubmission(asSubmitted(items[first]!), asSubmitted(item))) plan.aliases.push([position, first]);
      else plan.conflicts.push({ position, clientId: item.clientId });
      continue;
    }
    firstByKey.set(item.clientId, position);
    const existing = storedRow(item.clientId);
    if (existing === undefined) {
      plan.fresh.push(position);
    } else if (!sameSubmission({ body: existing.body as string, hasServiceStatus: existing.status_list !== null }, asSubmitted(item))) {
      plan.conflicts.push({ position, clientId: item.clientId });
    } else {
      plan.records[position] = toExistingRecord(existing);
    }
  }
  return plan;
}
