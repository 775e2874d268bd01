/**
 * A strict RFC 5424 reader for the tests, following §6's ABNF rule by rule:
 *
 *   SYSLOG-MSG      = HEADER SP STRUCTURED-DATA [SP MSG]
 *   HEADER          = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 *   PRI             = "<" PRIVAL ">"          ; PRIVAL 0-191, 1*3DIGIT
 *   VERSION         = NONZERO-DIGIT 0*2DIGIT
 *   HOSTNAME        = NILVALUE / 1*255PRINTUSASCII
 *   APP-NAME        = NILVALUE / 1*48PRINTUSASCII
 *   PROCID          = NILVALUE / 1*128PRINTUSASCII
 *   MSGID           = NILVALUE / 1*32PRINTUSASCII
 *   TIMESTAMP       = NILVALUE / FULL-DATE "T" FULL-TIME   ; RFC 3339, at most 6 fraction digits
 *   STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT
 *   SD-ELEMENT      = "[" SD-ID *(SP SD-PARAM) "]"
 *   SD-PARAM        = PARAM-NAME "=" %d34 PARAM-VALUE %d34
 *   SD-ID, PARAM-NAME = SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', %d34
 *   PARAM-VALUE     = UTF-8-STRING with '"', '\' and ']' escaped by '\'
 *   MSG             = MSG-ANY / MSG-UTF8 ; MSG-UTF8 = BOM UTF-8-STRING
 *
 * and §6.3.2: an SD-ID without "@" must be IANA-registered (timeQuality, origin, meta); one of our
 * own is name@<enterprise number>, the name holding no "@".
 */
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

const field = (max: number) => `(-|[\\x21-\\x7e]{1,${max}})`;
const TIMESTAMP =
  '(-|\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d{1,6})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d))';
const HEADER = new RegExp(
  `^<(0|[1-9]\\d{0,2})>([1-9]\\d{0,2}) ${TIMESTAMP} ${field(255)} ${field(48)} ${field(128)} ${field(32)} `,
);
const SD_NAME = /^[\x21-\x7e]{1,32}$/;
const REGISTERED = new Set(['timeQuality', 'origin', 'meta']);

function sdName(name: string, what: string): string {
  if (!SD_NAME.test(name) || /[= \]"]/.test(name)) throw new Error(`${what} "${name}" is not an SD-NAME`);
  return name;
}

export function parse5424(line: string): Parsed5424 {
  const m = HEADER.exec(line);
  if (!m) throw new Error(`not an RFC 5424 header: ${line.slice(0, 120)}`);
  if (Number(m[1]) > 191) throw new Error(`PRIVAL ${m[1]} is over 191`);
  let i = m[0].length;
  const sd: Parsed5424['sd'] = {};
  if (line[i] === '-') i++;
  else if (line[i] !== '[') throw new Error(`STRUCTURED-DATA is neither "-" nor an SD-ELEMENT at ${i}`);
  else {
    while (line[i] === '[') {
      i++;
      const idEnd = line.slice(i).search(/[ \]]/);
      if (idEnd < 0) throw new Error('SD-ELEMENT not closed');
      const id = sdName(line.slice(i, i + idEnd), 'SD-ID');
      const at = id.indexOf('@');
      if (at < 0 ? !REGISTERED.has(id) : at === 0 || !/^[1-9]\d*(\.\d+)*$/.test(id.slice(at + 1)))
        throw new Error(`SD-ID "${id}" is neither IANA-registered nor name@<enterprise number>`);
      if (id in sd) throw new Error(`SD-ID "${id}" appears twice`);
      i += idEnd;
      const params: Record<string, string> = {};
      while (line[i] === ' ') {
        i++;
        const eq = line.indexOf('=', i);
        if (eq < 0) throw new Error('SD-PARAM without "="');
        const name = sdName(line.slice(i, eq), 'PARAM-NAME');
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
          } else if (c === ']') {
            throw new Error(`unescaped "]" in PARAM-VALUE of ${name}`);
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
