/**
 * JSON-LD to RDF quads for the subset of JSON-LD 1.1 that credanchor's credentials use:
 * node objects, `@id`/`@type`, terms from the shipped contexts (including their
 * type-scoped and property-scoped contexts and `@protected`), `@set` containers, type
 * coercion (`@id`, `@vocab`, datatypes), native numbers and booleans, and value objects
 * with `@language` or `@type`. It walks the document the way jsonld.js's expansion does
 * (same key order, same context switches, same value rules) but emits quads directly,
 * without building the expanded document and the node map.
 *
 * Contexts are processed by jsonld.js itself (its context processor, cached here per
 * active context and local context), so term definitions are exactly the reference's.
 * Anything outside the subset (lists, graphs, language/index maps, `@json`, `@reverse`,
 * `@nest`, blank node ids, relative IRIs, default language, undefined terms...) throws
 * {@link FastPathUnsupported}: the caller then uses the reference implementation, which
 * also produces the proper error for input JSON-LD safe mode refuses. Never a guess.
 *
 * Twin: jsonld.js `expand` + `toRDF` (lib/expand.js, lib/toRdf.js, v9.0.0); the
 * differential test (test/core/fastCanonize.test.ts) holds them byte-identical.
 */
import contextApi from "jsonld/lib/context.js";
import ContextResolver from "jsonld/lib/ContextResolver.js";

import type { DocumentLoader } from "./documentLoader.ts";

/** Thrown for input the fast path does not handle; callers fall back to the reference. */
export class FastPathUnsupported extends Error {
  override readonly name = "FastPathUnsupported";
}

const unsupported = (why: string): never => {
  throw new FastPathUnsupported(why);
};

const RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
const RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
const XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double";
const XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer";
/** jsonld.js url.js isAbsolute. */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;
/** jsonld.js util.js REGEX_BCP47. */
const BCP47 = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;
const KEYWORD_LIKE = /^@[a-zA-Z]+$/;

/**
 * One quad of the default graph. Subject and object are a blank node (its number) or an
 * N-Quads term already serialised (`<iri>`, `"literal"^^<datatype>`); the predicate is
 * serialised (`<iri>`).
 */
export type Quad = { readonly subject: number | string; readonly predicate: string; readonly object: number | string };

/** The quads of one document and how many blank nodes they use (numbered 0..blankNodes-1). */
export type DocumentQuads = { readonly quads: readonly Quad[]; readonly blankNodes: number };

/** jsonld.js's active context, as far as this module reads it. */
type TermDefinition = {
  readonly "@id"?: string | null;
  readonly "@type"?: string;
  readonly "@container"?: readonly string[];
  readonly "@context"?: unknown;
  readonly "@language"?: unknown;
  readonly "@direction"?: unknown;
  readonly reverse?: boolean;
  readonly _prefix?: boolean;
};
type ActiveContext = {
  readonly mappings: Map<string, TermDefinition | null>;
  readonly previousContext?: ActiveContext;
  readonly "@vocab"?: unknown;
  readonly "@language"?: unknown;
  readonly "@direction"?: unknown;
  revertToPreviousContext(): ActiveContext;
};

// ---------------------------------------------------------------------------------------------
// Context processing, by jsonld.js, cached.

type ProcessOptions = Record<string, unknown>;
const strictEvents = ({ event }: { event: { code?: string; message?: string } }) =>
  unsupported(`JSON-LD event ${event.code ?? ""}: ${event.message ?? ""}`);

/** Processed contexts: per active context, per local context (object identity or JSON text), per flags. */
const processed = new WeakMap<ActiveContext, Map<unknown, Map<string, ActiveContext>>>();
const reverted = new WeakMap<ActiveContext, ActiveContext>();
const topLevel = new Map<string, ActiveContext>();
let processOptions: ProcessOptions | undefined;
let initialContext: ActiveContext | undefined;

function optionsFor(documentLoader: DocumentLoader): ProcessOptions {
  processOptions ??= {
    documentLoader,
    base: null,
    safe: true,
    eventHandler: strictEvents,
    contextResolver: new ContextResolver({ sharedCache: new Map() }),
  };
  return processOptions;
}

/**
 * Thrown by the walk at a context not processed yet: the walk itself is synchronous (no
 * promise per node and value, a third of its cost), so its driver ({@link walkDocument})
 * awaits `ready`, which caches the context, and walks the document again.
 */
class ContextPending extends Error {
  override readonly name = "ContextPending";
  readonly ready: Promise<unknown>;
  constructor(ready: Promise<unknown>) {
    super("a JSON-LD context is being processed");
    this.ready = ready;
  }
}

function processScoped(activeCtx: ActiveContext, localCtx: unknown, flags: "type" | "property", options: ProcessOptions): ActiveContext {
  let byLocal = processed.get(activeCtx);
  if (byLocal === undefined) {
    byLocal = new Map();
    processed.set(activeCtx, byLocal);
  }
  // Scoped contexts are objects inside the shipped context documents: identity is stable.
  const key = typeof localCtx === "object" && localCtx !== null ? localCtx : JSON.stringify(localCtx);
  let byFlags = byLocal.get(key);
  if (byFlags === undefined) {
    byFlags = new Map();
    byLocal.set(key, byFlags);
  }
  const result = byFlags.get(flags);
  if (result !== undefined) return result;
  const cache = byFlags;
  throw new ContextPending(
    contextApi
      .process(
        flags === "type"
          ? { activeCtx, localCtx, options, propagate: false }
          : { activeCtx, localCtx, options, propagate: true, overrideProtected: true },
      )
      .then((processedCtx) => cache.set(flags, processedCtx as ActiveContext)),
  );
}

function revert(activeCtx: ActiveContext): ActiveContext {
  if (activeCtx.previousContext === undefined) return activeCtx;
  let result = reverted.get(activeCtx);
  if (result === undefined) {
    result = activeCtx.revertToPreviousContext();
    reverted.set(activeCtx, result);
  }
  return result;
}

/** `documentContexts`: this document's, kept across its walks (the shared cache may be full). */
function documentContext(localCtx: unknown, options: ProcessOptions, documentContexts: Map<string, ActiveContext>): ActiveContext {
  const key = JSON.stringify(localCtx);
  const result = topLevel.get(key) ?? documentContexts.get(key);
  if (result !== undefined) return result;
  initialContext ??= contextApi.getInitialContext({}) as ActiveContext;
  throw new ContextPending(
    contextApi.process({ activeCtx: initialContext, localCtx, options }).then((processedCtx) => {
      documentContexts.set(key, processedCtx as ActiveContext);
      if (topLevel.size < 64) topLevel.set(key, processedCtx as ActiveContext);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// IRI expansion (jsonld.js context.js _expandIri), refusing what it would not leave absolute.

/** Why the last {@link tryExpandIri} returned undefined. */
let refusal = "";

/** The expanded IRI (or keyword, for keys), or undefined where jsonld.js would not give an absolute IRI. */
function tryExpandIri(ctx: ActiveContext, value: string, vocab: boolean, keywordAllowed: boolean): string | undefined {
  if (KEYWORD_LIKE.test(value)) {
    if (keywordAllowed && isKeyword(value)) return value;
    refusal = `keyword or reserved IRI ${value}`;
    return undefined;
  }
  if (vocab && ctx.mappings.has(value)) {
    const id = ctx.mappings.get(value)?.["@id"];
    if (typeof id === "string" && (keywordAllowed || !id.startsWith("@"))) return id;
    refusal = `term ${value} maps to no IRI`;
    return undefined;
  }
  const colon = value.indexOf(":");
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    if (prefix !== "_") {
      if (value.startsWith("//", colon + 1)) return value;
      if (ctx.mappings.get(prefix)?._prefix !== true && ABSOLUTE_IRI.test(value)) return value;
    }
  }
  refusal = `not an absolute IRI: ${JSON.stringify(value)}`;
  return undefined;
}

function expandIri(ctx: ActiveContext, value: string, vocab: boolean): string {
  return tryExpandIri(ctx, value, vocab, false) ?? unsupported(refusal);
}

const KEYWORDS = new Set([
  "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id", "@import",
  "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault", "@prefix", "@preserve",
  "@propagate", "@protected", "@requireAll", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
]);
const isKeyword = (value: string) => KEYWORDS.has(value);

// ---------------------------------------------------------------------------------------------
// N-Quads terms (rdf-canonize NQuads.js, v5.0.0).

const IRI_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/g;
const IRI_NEEDS_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/;
const LITERAL_ESCAPE = /[\u0000-\u001F\u007F"\\]/g;
const LITERAL_NEEDS_ESCAPE = /[\u0000-\u001F\u007F"\\]/;
const LITERAL_ECHAR: Record<string, string> = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\" };
const uchar = (match: string) => `\\u${match.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

const iriTerm = (iri: string) => `<${IRI_NEEDS_ESCAPE.test(iri) ? iri.replace(IRI_ESCAPE, uchar) : iri}>`;

function literalTerm(value: string, datatype: string, language?: string): string {
  const escaped = LITERAL_NEEDS_ESCAPE.test(value) ? value.replace(LITERAL_ESCAPE, (match) => LITERAL_ECHAR[match] ?? uchar(match)) : value;
  if (datatype === RDF_LANGSTRING) return language ? `"${escaped}"@${language}` : `"${escaped}"`;
  return datatype === XSD_STRING ? `"${escaped}"` : `"${escaped}"^^${iriTerm(datatype)}`;
}

/** jsonld.js toRdf.js _objectToRDF for a value object without `@direction`. */
function literalOf(value: unknown, datatype: string | undefined, language: string | undefined): string {
  if (typeof value === "boolean") return literalTerm(String(value), datatype ?? XSD_BOOLEAN);
  const isDouble = typeof value === "number" && (String(value).includes(".") || Math.abs(value) >= 1e21);
  if (isDouble || datatype === XSD_DOUBLE) {
    const number = typeof value === "number" ? value : Number.parseFloat(String(value));
    return literalTerm(number.toExponential(15).replace(/(\d)0*e\+?/, "$1E"), datatype ?? XSD_DOUBLE);
  }
  if (typeof value === "number") return literalTerm(value.toFixed(0), datatype ?? XSD_INTEGER);
  if (typeof value !== "string") return unsupported("non-scalar @value");
  if (language !== undefined) return literalTerm(value, datatype ?? RDF_LANGSTRING, language);
  return literalTerm(value, datatype ?? XSD_STRING);
}

// ---------------------------------------------------------------------------------------------
// The walk (jsonld.js expand.js api.expand / _expandObject / _expandValue).

/** What a JSON value expands to: an object term and the key the node map deduplicates it by. */
type Expanded = { readonly term: number | string; readonly key: string };

/** What a checking walk returns for every value: it decides, it builds no terms. */
const UNBUILT: Expanded = { term: "", key: "" };

class Walk {
  readonly quads: Quad[] = [];
  private readonly seen = new Set<string>();
  blankNodes = 0;
  readonly options: ProcessOptions;
  /**
   * False for {@link documentExpands}: the same walk, so it declines exactly where the
   * quad-building one does, minus the N-Quads terms, dedup keys and quads (most of its cost).
   */
  private readonly emit: boolean;
  private readonly documentContexts: Map<string, ActiveContext>;
  constructor(options: ProcessOptions, emit: boolean, documentContexts: Map<string, ActiveContext>) {
    this.options = options;
    this.emit = emit;
    this.documentContexts = documentContexts;
  }

  add(subject: number | string, predicate: string, object: Expanded): void {
    if (!this.emit) return;
    const key = `${typeof subject === "number" ? `_:${subject}` : subject} ${predicate} ${object.key}`;
    if (this.seen.has(key)) return; // the node map keeps one copy of an equal value
    this.seen.add(key);
    this.quads.push({ subject, predicate, object: object.term });
  }

  /** Expands `element`, the value of `activeProperty` (null at the top), into object terms. */
  expand(ctx: ActiveContext, activeProperty: string | null, element: unknown, typeScoped: ActiveContext | null): Expanded[] {
    if (element === null || element === undefined) return unsupported("null value");
    if (Array.isArray(element)) {
      const container = activeProperty === null ? [] : (ctx.mappings.get(activeProperty)?.["@container"] ?? []);
      if (container.includes("@list")) return unsupported("@list container");
      const out: Expanded[] = [];
      for (const item of element) {
        if (Array.isArray(item)) return unsupported("nested array");
        for (const expanded of this.expand(ctx, activeProperty, item, typeScoped)) out.push(expanded);
      }
      return out;
    }
    if (typeof element !== "object") {
      if (activeProperty === null) return unsupported("free-floating scalar");
      return [this.expandValue(ctx, activeProperty, element)];
    }
    return this.expandObject(ctx, activeProperty, element as Record<string, unknown>, typeScoped);
  }

  private expandValue(ctx: ActiveContext, activeProperty: string, value: unknown): Expanded {
    const definition = ctx.mappings.get(activeProperty);
    const type = definition?.["@type"];
    if (type === "@id" && typeof value === "string") return this.reference(expandIri(ctx, value, false));
    if (type === "@vocab" && typeof value === "string") return this.reference(expandIri(ctx, value, true));
    if (type !== undefined && (type === "@none" || type === "@json" || type === "@id" || type === "@vocab")) return unsupported(`@type ${type} on a non-string`);
    if (type === undefined && typeof value === "string") {
      const language = definition !== null && definition !== undefined && "@language" in definition ? definition["@language"] : ctx["@language"];
      const direction = definition !== null && definition !== undefined && "@direction" in definition ? definition["@direction"] : ctx["@direction"];
      if ((language !== undefined && language !== null) || (direction !== undefined && direction !== null)) return unsupported("default language or direction");
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return unsupported("non-JSON scalar");
    return this.literal(value, type, undefined);
  }

  private reference(iri: string): Expanded {
    if (!this.emit) return UNBUILT;
    const term = iriTerm(iri);
    return { term, key: term };
  }

  private literal(value: string | number | boolean, type: string | undefined, language: string | undefined): Expanded {
    // literalOf's one refusal, for a value that is no JSON scalar; the rest of it cannot throw.
    if (!this.emit) return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? UNBUILT : unsupported("non-scalar @value");
    return { term: literalOf(value, type, language), key: `${typeof value}:${JSON.stringify(value)}^${type ?? ""}@${language ?? ""}` };
  }

  private expandObject(
    ctxIn: ActiveContext,
    activeProperty: string | null,
    element: Record<string, unknown>,
    typeScopedIn: ActiveContext | null,
  ): Expanded[] {
    let ctx = ctxIn;
    const propertyScoped = activeProperty === null ? undefined : ctx.mappings.get(activeProperty)?.["@context"];
    let typeScoped = typeScopedIn ?? (ctx.previousContext !== undefined ? ctx : null);
    const keys = Object.keys(element).sort();
    let mustRevert = true;
    if (typeScoped !== null && keys.length <= 2 && !keys.includes("@context")) {
      for (const key of keys) {
        const expanded = expandIriOrUndefined(typeScoped, key);
        if (expanded === "@value") {
          mustRevert = false;
          ctx = typeScoped;
          break;
        }
        if (expanded === "@id" && keys.length === 1) {
          mustRevert = false;
          break;
        }
      }
    }
    if (mustRevert) ctx = revert(ctx);
    if (propertyScoped !== undefined) ctx = processScoped(ctx, propertyScoped, "property", this.options);
    if ("@context" in element) {
      if (activeProperty !== null) return unsupported("embedded @context");
      ctx = documentContext(element["@context"], this.options, this.documentContexts);
    }
    typeScoped = ctx;
    let typeKey: string | undefined;
    for (const key of keys) {
      if (expandIriOrUndefined(ctx, key) !== "@type") continue;
      if (typeKey !== undefined) return unsupported("two keys for @type");
      typeKey = key;
      const value = element[key];
      const types = Array.isArray(value) ? (value.length > 1 ? [...value].sort() : value) : [value];
      for (const type of types) {
        if (typeof type !== "string") return unsupported("non-string type");
        const scoped = typeScoped.mappings.get(type)?.["@context"];
        if (scoped !== undefined) ctx = processScoped(ctx, scoped, "type", this.options);
      }
    }

    let id: string | undefined;
    let types: string[] = [];
    let valueOf: { value: unknown; language?: string; type?: string } | undefined;
    const properties: [string, Expanded[]][] = [];
    for (const key of keys) {
      if (key === "@context") continue;
      const value = element[key];
      const property = expandIriOrUndefined(ctx, key);
      if (property === undefined || !(ABSOLUTE_IRI.test(property) || isKeyword(property))) return unsupported(`undefined term ${key}`);
      if (property.startsWith("@")) {
        switch (property) {
          case "@id":
            if (typeof value !== "string") return unsupported("non-string @id");
            id = expandIri(ctx, value, false);
            continue;
          case "@type":
            types = (Array.isArray(value) ? value : [value]).map((type) =>
              typeof type === "string" ? expandIri(typeScoped!, type, true) : unsupported("non-string @type"),
            );
            continue;
          case "@value":
            if (value === null || typeof value === "object") return unsupported("@value not a scalar");
            valueOf = { ...valueOf, value };
            continue;
          case "@language":
            if (typeof value !== "string" || !BCP47.test(value)) return unsupported("@language not a BCP47 string");
            valueOf = { ...(valueOf ?? { value: undefined }), language: value.toLowerCase() };
            continue;
          default:
            return unsupported(`keyword ${property}`);
        }
      }
      const definition = ctx.mappings.get(key);
      if (definition === undefined || definition === null) return unsupported(`key ${key} is not a term`);
      if (definition.reverse === true) return unsupported("@reverse");
      if ((definition["@container"] ?? []).some((container) => container !== "@set")) return unsupported("container other than @set");
      if (definition["@type"] === "@json") return unsupported("@json");
      const termCtx = definition["@context"] === undefined ? ctx : processScoped(ctx, definition["@context"], "property", this.options);
      const expanded = this.expand(termCtx, key, value, null);
      properties.push([property, expanded]);
    }

    if (valueOf !== undefined || keys.some((key) => expandIriOrUndefined(ctx, key) === "@value")) {
      // A value object: @value with @language or @type, nothing else.
      if (valueOf === undefined || valueOf.value === undefined || id !== undefined || properties.length > 0) return unsupported("malformed value object");
      if (types.length > 1 || (types.length === 1 && valueOf.language !== undefined)) return unsupported("value object with two qualifiers");
      if (valueOf.language !== undefined && typeof valueOf.value !== "string") return unsupported("language on a non-string");
      if (activeProperty === null) return unsupported("top-level value object");
      const value = valueOf.value as string | number | boolean;
      return [this.literal(value, types[0], valueOf.language)];
    }
    if (activeProperty === null && properties.length === 0 && types.length === 0) return unsupported("empty top-level object");
    if (activeProperty !== null && id !== undefined && properties.length === 0 && types.length === 0 && keys.filter((k) => k !== "@context").length === 1) {
      return [this.reference(id)]; // a node reference
    }
    if (!this.emit) return [UNBUILT];
    const subject: number | string = id === undefined ? this.blankNodes++ : iriTerm(id);
    for (const type of types) this.add(subject, RDF_TYPE, this.reference(type));
    for (const [property, values] of properties) {
      const predicate = iriTerm(property);
      for (const value of values) this.add(subject, predicate, value);
    }
    return [typeof subject === "number" ? { term: subject, key: `_:${subject}` } : { term: subject, key: subject }];
  }
}

/** Expands a key as a property (vocab), or undefined where jsonld.js would not produce an absolute IRI or keyword. */
const expandIriOrUndefined = (ctx: ActiveContext, key: string): string | undefined => tryExpandIri(ctx, key, true, true);

/** Parameters of {@link documentToQuads}. */
export type DocumentToQuadsParameters = { readonly document: Readonly<Record<string, unknown>>; readonly documentLoader: DocumentLoader };

/**
 * The RDF quads of a JSON-LD document (what jsonld.js `toRDF` yields with `safe: true`,
 * `base: null`), or {@link FastPathUnsupported}. Blank nodes are numbered in walk order.
 *
 * @example
 * ```ts
 * const { quads, blankNodes } = await documentToQuads({ document: credential, documentLoader });
 * ```
 */
export async function documentToQuads(parameters: DocumentToQuadsParameters): Promise<DocumentQuads> {
  const { document, documentLoader } = parameters;
  if (!("@context" in document)) return unsupported("no @context");
  const walk = await walkDocument(document, documentLoader, true);
  return { quads: walk.quads, blankNodes: walk.blankNodes };
}

/**
 * Walks a document to the end: again after each context it had to process first (a few
 * times while the caches warm up, then once). Throws what the walk throws.
 */
async function walkDocument(document: Readonly<Record<string, unknown>>, documentLoader: DocumentLoader, emit: boolean): Promise<Walk> {
  const options = optionsFor(documentLoader);
  const documentContexts = new Map<string, ActiveContext>();
  for (;;) {
    const walk = new Walk(options, emit, documentContexts);
    try {
      walk.expand(contextApi.getInitialContext({}) as ActiveContext, null, document, null);
      return walk;
    } catch (error) {
      if (!(error instanceof ContextPending)) throw error;
      await error.ready;
    }
  }
}

/**
 * Whether {@link documentToQuads} would expand a document (true) or throw (false, for
 * {@link FastPathUnsupported} and for a context that fails to load alike), without building
 * its quads: the same walk with term building off, for callers that need only the answer
 * (intake deciding that a credential can be signed later, server/hashing/prepare.ts).
 *
 * @example
 * ```ts
 * if (await documentExpands({ document: credential, documentLoader })) deferSigning();
 * ```
 */
export async function documentExpands(parameters: DocumentToQuadsParameters): Promise<boolean> {
  const { document, documentLoader } = parameters;
  if (!("@context" in document)) return false;
  try {
    await walkDocument(document, documentLoader, false);
    return true;
  } catch {
    return false;
  }
}
