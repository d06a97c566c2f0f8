/**
 * Evaluates a CloudWatch Logs JSON filter pattern (`{ ... }`) against a JSON log event, for the
 * subset of the syntax this stack's metric filters use. It follows the CloudWatch Logs User Guide,
 * "Filter pattern syntax for metric filters":
 * - property selectors `$.a.b`, `$.a[0].b` (alphanumerics, `-`, `_`; zero-based array indexes);
 * - `=` and `!=` against a number (equality only), or a string, quoted or not (unquoted: alphanumerics, `_`, and, as Security Hub
 *   writes its CIS patterns, `.` and `-`); `*` is a wildcard; comparisons are case sensitive;
 * - a selector that points to an object or an array never matches; neither does one that points to
 *   nothing (an assumption: the guide documents the first, not the second);
 * - `NOT EXISTS`, `IS TRUE`, `IS FALSE`, `IS NULL`;
 * - `&&`, `||` and parentheses, with the documented order of operations `()` > `&&` > `||`.
 * Anything else (`<`, `>`, `%regex%`, space-delimited or term patterns) is an error,
 * never a guess: a pattern the evaluator cannot read must fail its test, not pass it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Node =
  | { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'compare'; readonly path: Path; readonly op: '=' | '!='; readonly value: string }
  | { readonly kind: 'compareNumber'; readonly path: Path; readonly op: '=' | '!='; readonly value: number }
  | { readonly kind: 'notExists'; readonly path: Path }
  | { readonly kind: 'is'; readonly path: Path; readonly literal: true | false | null };

type Path = readonly (string | number)[];

type Token =
  | { readonly type: 'selector'; readonly path: Path; readonly text: string }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'word'; readonly value: string }
  | { readonly type: 'op'; readonly value: '=' | '!=' | '&&' | '||' | '(' | ')' };

const UNQUOTED = /[A-Za-z0-9_.\-*]/;
const SELECTOR_NAME = /[A-Za-z0-9_-]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`filter pattern: ${what} at ${i} in ${source}`);
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '$') {
      const start = i;
      const path: (string | number)[] = [];
      i++;
      while (source[i] === '.' || source[i] === '[') {
        if (source[i] === '.') {
          i++;
          const nameStart = i;
          while (i < source.length && SELECTOR_NAME.test(source[i] as string)) i++;
          if (i === nameStart) fail('empty property name');
          path.push(source.slice(nameStart, i));
        } else {
          const close = source.indexOf(']', i);
          const index = source.slice(i + 1, close);
          if (close < 0 || !/^\d+$/.test(index)) fail('bad array index');
          path.push(Number(index));
          i = close + 1;
        }
      }
      if (path.length === 0) fail('bare $');
      tokens.push({ type: 'selector', path, text: source.slice(start, i) });
    } else if (c === '"') {
      let value = '';
      i++;
      while (source[i] !== '"') {
        if (i >= source.length) fail('unterminated string');
        if (source[i] === '\\') i++;
        value += source[i];
        i++;
      }
      i++;
      tokens.push({ type: 'string', value });
    } else if (source.startsWith('!=', i) || source.startsWith('&&', i) || source.startsWith('||', i)) {
      tokens.push({ type: 'op', value: source.slice(i, i + 2) as '!=' | '&&' | '||' });
      i += 2;
    } else if (c === '=' || c === '(' || c === ')') {
      tokens.push({ type: 'op', value: c });
      i++;
    } else if (UNQUOTED.test(c)) {
      const start = i;
      while (i < source.length && UNQUOTED.test(source[i] as string)) i++;
      tokens.push({ type: 'word', value: source.slice(start, i) });
    } else {
      fail(`unsupported character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  public parse(): Node {
    const node = this.or();
    if (this.position !== this.tokens.length) this.fail('trailing tokens');
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||')) {
      this.position++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.isOp('&&')) {
      this.position++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('(')) {
      this.position++;
      const inner = this.or();
      if (!this.isOp(')')) this.fail('missing )');
      this.position++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const selector = this.next();
    if (selector?.type !== 'selector') return this.fail('expected a property selector');
    const operator = this.next();
    if (operator?.type === 'op' && (operator.value === '=' || operator.value === '!=')) {
      const value = this.next();
      if (value?.type === 'string')
        return { kind: 'compare', path: selector.path, op: operator.value, value: value.value };
      if (value?.type === 'word') {
        if (/^-?\d+(\.\d+)?$/.test(value.value)) {
          return { kind: 'compareNumber', path: selector.path, op: operator.value, value: Number(value.value) };
        }
        return { kind: 'compare', path: selector.path, op: operator.value, value: value.value };
      }
      return this.fail('expected a value');
    }
    if (operator?.type === 'word' && operator.value === 'NOT') {
      const exists = this.next();
      if (exists?.type !== 'word' || exists.value !== 'EXISTS') this.fail('expected EXISTS after NOT');
      return { kind: 'notExists', path: selector.path };
    }
    if (operator?.type === 'word' && operator.value === 'IS') {
      const literal = this.next();
      const literals: Record<string, true | false | null> = { TRUE: true, FALSE: false, NULL: null };
      if (literal?.type !== 'word' || !(literal.value in literals)) this.fail('expected TRUE, FALSE or NULL after IS');
      return { kind: 'is', path: selector.path, literal: literals[(literal as { value: string }).value] as never };
    }
    return this.fail(`unsupported operator after ${selector.text}`);
  }

  private isOp(value: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'op' && token.value === value;
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private fail(what: string): never {
    throw new Error(`filter pattern: ${what} (token ${this.position}) in ${this.source}`);
  }
}

const NOTHING = Symbol('nothing');

function select(event: Json, path: Path): Json | typeof NOTHING {
  let node: Json = event;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return NOTHING;
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return NOTHING;
      node = node[step] as Json;
    } else {
      if (Array.isArray(node) || !Object.hasOwn(node, step)) return NOTHING;
      node = node[step] as Json;
    }
  }
  return node;
}

function wildcard(value: string): RegExp {
  const escaped = value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

function evaluate(node: Node, event: Json): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, event) && evaluate(node.right, event);
    case 'or':
      return evaluate(node.left, event) || evaluate(node.right, event);
    case 'notExists':
      return select(event, node.path) === NOTHING;
    case 'is':
      return select(event, node.path) === node.literal;
    case 'compare': {
      const value = select(event, node.path);
      // Only a string value node can equal, or differ from, a string.
      if (typeof value !== 'string') return false;
      const equal = wildcard(node.value).test(value);
      return node.op === '=' ? equal : !equal;
    }
    case 'compareNumber': {
      const value = select(event, node.path);
      if (typeof value !== 'number') return false;
      return node.op === '=' ? value === node.value : value !== node.value;
    }
  }
}

/** A parsed JSON filter pattern. */
export class FilterPattern {
  private readonly root: Node;

  constructor(public readonly source: string) {
    const trimmed = source.trim();
    if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
      throw new Error(`filter pattern: only JSON patterns ({ ... }) are supported: ${source}`);
    }
    this.root = new Parser(tokenize(trimmed.slice(1, -1)), source).parse();
  }

  /** Whether CloudWatch Logs would count `event` (a CloudTrail record, as delivered to the log group). */
  public matches(event: object): boolean {
    return evaluate(this.root, event as Json);
  }
}
