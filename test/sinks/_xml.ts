// A small strict XML reader for tests: parses SVG text into an element tree, throwing on malformed markup.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (entities decoded), children's text excluded. */
  readonly text: string;
}

const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e]!,
  );

/** Parses a document with one root element; throws naming the offset of the first error. */
export const parseXml = (text: string): XmlElement => {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  /** Moves past the next `marker`. */
  const past = (marker: string, what: string): number => {
    const at = text.indexOf(marker, i);
    return at < 0 ? fail(`unterminated ${what}`) : at + marker.length;
  };
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text.startsWith("<?", i)) i = past("?>", "declaration");
      else if (text.startsWith("<!--", i)) i = past("-->", "comment");
      else if (text.startsWith("<!DOCTYPE", i)) i = past(">", "doctype");
      else return;
    }
  };
  const element = (): XmlElement => {
    if (text[i] !== "<") fail("expected <");
    i++;
    const name = /^[A-Za-z_][\w:.-]*/.exec(text.slice(i))?.[0] ?? fail("expected a tag name");
    i += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text.startsWith("/>", i)) {
        i += 2;
        return { name, attributes, children: [], text: "" };
      }
      if (text[i] === ">") {
        i++;
        break;
      }
      const attr = /^([A-Za-z_][\w:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(i)) ?? fail("malformed attribute");
      if (attr[1]! in attributes) fail(`duplicate attribute ${attr[1]}`);
      attributes[attr[1]!] = decode(attr[3] ?? attr[4] ?? "");
      i += attr[0].length;
    }
    const children: XmlElement[] = [];
    let own = "";
    for (;;) {
      if (i >= text.length) fail(`unclosed <${name}>`);
      if (text.startsWith("</", i)) {
        const close = /^<\/([A-Za-z_][\w:.-]*)\s*>/.exec(text.slice(i)) ?? fail("malformed end tag");
        if (close[1] !== name) fail(`</${close[1]}> closes <${name}>`);
        i += close[0].length;
        return { name, attributes, children, text: decode(own) };
      }
      if (text.startsWith("<!--", i)) i = past("-->", "comment");
      else if (text[i] === "<") children.push(element());
      else {
        const end = text.indexOf("<", i);
        const chunk = text.slice(i, end < 0 ? text.length : end);
        if (/&(?!(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);)/.test(chunk)) fail("bare &");
        own += chunk;
        i += chunk.length;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== text.length) fail("content after the root element");
  return root;
};

/** Every element in the tree (depth first) matching the predicate. */
export const findAll = (root: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] => [
  ...(match(root) ? [root] : []),
  ...root.children.flatMap((c) => findAll(c, match)),
];

/** Elements whose class attribute contains every given class. */
export const byClass = (root: XmlElement, ...classes: string[]): XmlElement[] =>
  findAll(root, (e) => classes.every((c) => (e.attributes.class ?? "").split(/\s+/).includes(c)));
