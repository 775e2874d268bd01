/** A strict RFC 5424 reader for the tests: header fields, structured data with escapes, MSG. */
export interface Parsed5424 {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Record<string, Record<string, string>>;
  bom: boolean;
  msg: string;
}

const FIELD = '([\\x21-\\x7e]+)';

export function parse5424(line: string): Parsed5424 {
  const m = new RegExp(`^<(\\d{1,3})>(\\d{1,2}) ${FIELD} ${FIELD} ${FIELD} ${FIELD} ${FIELD} `).exec(line);
  if (!m) throw new Error(`not an RFC 5424 header: ${line.slice(0, 120)}`);
  let i = m[0].length;
  const sd: Parsed5424['sd'] = {};
  if (line[i] === '-') i++;
  else {
    while (line[i] === '[') {
      i++;
      const idEnd = line.slice(i).search(/[ \]]/);
      const id = line.slice(i, i + idEnd);
      i += idEnd;
      const params: Record<string, string> = {};
      while (line[i] === ' ') {
        i++;
        const eq = line.indexOf('=', i);
        const name = line.slice(i, eq);
        if (line[eq + 1] !== '"') throw new Error('SD-PARAM value not quoted');
        i = eq + 2;
        let value = '';
        for (;;) {
          const c = line[i];
          if (c === undefined) throw new Error('unterminated SD-PARAM');
          if (c === '\\' && ['"', '\\', ']'].includes(line[i + 1]!)) {
            value += line[i + 1];
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            value += c;
            i++;
          }
        }
        params[name] = value;
      }
      if (line[i] !== ']') throw new Error(`SD-ELEMENT not closed at ${i}`);
      i++;
      sd[id] = params;
    }
  }
  let msg = '';
  if (i < line.length) {
    if (line[i] !== ' ') throw new Error('no SP before MSG');
    msg = line.slice(i + 1);
  }
  const bom = msg.startsWith('\ufeff');
  return {
    pri: Number(m[1]),
    version: Number(m[2]),
    timestamp: m[3]!,
    hostname: m[4]!,
    appName: m[5]!,
    procId: m[6]!,
    msgId: m[7]!,
    sd,
    bom,
    msg: bom ? msg.slice(1) : msg,
  };
}
