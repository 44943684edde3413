/**
 * A few lines of DOM building: elements with attributes and children, text always set
 * as text (credential content is untrusted and never becomes HTML).
 */

type Child = Node | string | undefined | false;

/** `h("p", { class: "x" }, "text", child)`: an element; `undefined`/`false` children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/** The element with `id`; throws (a page bug) when missing. */
export function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** Only http(s) and data:image URLs become `src`/`href`: no javascript: from a credential. */
export function safeUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^data:image\/(png|svg\+xml|jpeg|gif|webp);/i.test(value)) return value;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
