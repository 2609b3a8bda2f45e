// The door screen when the server cannot be reached (dcops.access.door_feed): the pass read and its Ed25519 signature
// verified here (base45, CBOR COSE_Sign1 and the Sig_structure exactly as dcops/access/codec.py makes them; WebCrypto
// verifies), the door checks decided on the door feed the screen keeps, and the checks queued on this device until
// the server takes them. No libraries: the decoder reads only what the codec writes, and refuses anything else.
(function () {
  "use strict";

  // --- base45 (RFC 9285) ----------------------------------------------------------------------------------------
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  function base45(text) {
    const values = [];
    for (const ch of text) {
      const v = B45.indexOf(ch);
      if (v < 0) throw new Error("base45");
      values.push(v);
    }
    if (values.length % 3 === 1) throw new Error("base45");
    const out = [];
    for (let i = 0; i < values.length; i += 3) {
      if (i + 2 < values.length) {
        const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
        if (n > 0xffff) throw new Error("base45");
        out.push(n >> 8, n & 0xff);
      } else {
        const n = values[i] + values[i + 1] * 45;
        if (n > 0xff) throw new Error("base45");
        out.push(n);
      }
    }
    return new Uint8Array(out);
  }

  // --- CBOR (RFC 8949): integers, byte and text strings, arrays, maps and tags, definite lengths only -------------
  class Tag {
    constructor(tag, value) { this.tag = tag; this.value = value; }
  }
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const MAX_ITEMS = 64;

  function cborDecode(bytes) {
    let pos = 0;
    const need = (n) => { if (pos + n > bytes.length) throw new Error("cbor: short"); };
    function head() {
      need(1);
      const first = bytes[pos++];
      const major = first >> 5;
      const info = first & 31;
      let value;
      if (info < 24) value = info;
      else if (info === 24) { need(1); value = bytes[pos]; pos += 1; }
      else if (info === 25) { need(2); value = (bytes[pos] << 8) | bytes[pos + 1]; pos += 2; }
      else if (info === 26) {
        need(4);
        value = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
        pos += 4;
      } else if (info === 27) {
        need(8);
        let hi = 0, lo = 0;
        for (let i = 0; i < 4; i++) hi = hi * 256 + bytes[pos + i];
        for (let i = 4; i < 8; i++) lo = lo * 256 + bytes[pos + i];
        pos += 8;
        if (hi > 0x1fffff) throw new Error("cbor: integer too large");
        value = hi * 4294967296 + lo;
      } else throw new Error("cbor: indefinite or reserved length");
      return [major, value];
    }
    function item(depth) {
      if (depth > 8) throw new Error("cbor: too deep");
      const [major, value] = head();
      switch (major) {
        case 0: return value;
        case 1: return -1 - value;
        case 2: { need(value); const b = bytes.slice(pos, pos + value); pos += value; return b; }
        case 3: { need(value); const s = utf8.decode(bytes.subarray(pos, pos + value)); pos += value; return s; }
        case 4: {
          if (value > MAX_ITEMS) throw new Error("cbor: too many items");
          const list = [];
          for (let i = 0; i < value; i++) list.push(item(depth + 1));
          return list;
        }
        case 5: {
          if (value > MAX_ITEMS) throw new Error("cbor: too many items");
          const map = new Map();
          for (let i = 0; i < value; i++) {
            const key = item(depth + 1);
            if (typeof key !== "number" && typeof key !== "string") throw new Error("cbor: map key");
            map.set(key, item(depth + 1));
          }
          return map;
        }
        case 6: return new Tag(value, item(depth + 1));
        default: throw new Error("cbor: type not used by dcops");
      }
    }
    const value = item(0);
    if (pos !== bytes.length) throw new Error("cbor: trailing bytes");
    return value;
  }

  // The shortest encoding of each head, as cbor2 (the codec's encoder) writes it.
  function cborEncode(value) {
    const out = [];
    const head = (major, n) => {
      const m = major << 5;
      if (n < 24) out.push(m | n);
      else if (n < 0x100) out.push(m | 24, n);
      else if (n < 0x10000) out.push(m | 25, n >> 8, n & 0xff);
      else if (n < 0x100000000) out.push(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
      else {
        const hi = Math.floor(n / 4294967296), lo = n >>> 0;
        out.push(m | 27, (hi >>> 24) & 0xff, (hi >> 16) & 0xff, (hi >> 8) & 0xff, hi & 0xff,
          (lo >>> 24) & 0xff, (lo >> 16) & 0xff, (lo >> 8) & 0xff, lo & 0xff);
      }
    };
    const enc = (v) => {
      if (typeof v === "number") {
        if (!Number.isSafeInteger(v)) throw new Error("cbor: not an integer");
        if (v >= 0) head(0, v); else head(1, -1 - v);
      } else if (v instanceof Uint8Array) {
        head(2, v.length);
        for (const b of v) out.push(b);
      } else if (typeof v === "string") {
        const b = new TextEncoder().encode(v);
        head(3, b.length);
        for (const x of b) out.push(x);
      } else if (Array.isArray(v)) {
        head(4, v.length);
        v.forEach(enc);
      } else if (v instanceof Map) {
        head(5, v.size);
        for (const [k, x] of v) { enc(k); enc(x); }
      } else if (v instanceof Tag) {
        head(6, v.tag);
        enc(v.value);
      } else throw new Error("cbor: type not used by dcops");
    };
    enc(value);
    return new Uint8Array(out);
  }

  const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  function fromBase64url(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  // --- the pass (dcops/access/codec.py) --------------------------------------------------------------------------
  const PREFIX = "DC1:", MAX_TEXT = 1024, COSE_SIGN1 = 18, ALG = 1, KID = 4, EDDSA = -8;
  const EXP = 4, NBF = 5, PASS_ID = -70001, ROOMS = -70002;

  class Unreadable extends Error {
    constructor(key, params) { super(key); this.key = key; this.params = params || {}; }
  }

  // The pass's claims when its signature verifies under one of `keys` (kid hex -> CryptoKey); else Unreadable, whose
  // key names the codec's message for it.
  async function readPass(input, keys) {
    const text = input.replace(/^[\r\n]+|[\r\n]+$/g, "");
    if (text.length > MAX_TEXT) throw new Unreadable("p1_long");
    if (!text.startsWith(PREFIX)) throw new Unreadable("p1_prefix");
    let raw, message;
    try {
      raw = base45(text.slice(PREFIX.length));
      message = cborDecode(raw);
    } catch (err) {
      throw new Unreadable("p1_unreadable");
    }
    if (!(message instanceof Tag) || message.tag !== COSE_SIGN1) throw new Unreadable("p1_not_signed");
    const parts = message.value;
    if (!Array.isArray(parts) || parts.length !== 4 || ![0, 2, 3].every((i) => parts[i] instanceof Uint8Array)) {
      throw new Unreadable("p1_malformed");
    }
    if (!(parts[1] instanceof Map) || parts[1].size !== 0) throw new Unreadable("p1_unsigned_headers");
    // Only the exact bytes dcops issues: what is not signed (the unprotected header, trailing bytes) cannot differ.
    if (!sameBytes(cborEncode(message), raw)) throw new Unreadable("p1_altered");
    const [protectedBytes, , payload, signature] = parts;
    let header;
    try {
      header = cborDecode(protectedBytes);
    } catch (err) {
      throw new Unreadable("p1_header");
    }
    if (!(header instanceof Map) || header.get(ALG) !== EDDSA || !(header.get(KID) instanceof Uint8Array)) {
      throw new Unreadable("p1_not_dcops");
    }
    const kid = hex(header.get(KID));
    const key = keys.get(kid);
    if (!key) throw new Unreadable("p1_unknown_key", { kid });
    const signed = cborEncode(["Signature1", protectedBytes, new Uint8Array(0), payload]);
    let valid = false;
    try {
      valid = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed);
    } catch (err) {
      valid = false;
    }
    if (!valid) throw new Unreadable("p1_forged");
    try {
      const c = cborDecode(payload);
      const int = (v) => { if (!Number.isSafeInteger(v)) throw new Error("claim"); return v; };
      const rooms = c.get(ROOMS);
      if (!Array.isArray(rooms) || !rooms.every((r) => typeof r === "string")) throw new Error("rooms");
      return {
        passId: int(c.get(PASS_ID)),
        notBefore: new Date(int(c.get(NBF)) * 1000),
        expires: new Date(int(c.get(EXP)) * 1000),
        rooms,
        kid,
      };
    } catch (err) {
      throw new Unreadable("p1_content");
    }
  }

  // The feed's public keys as WebCrypto keys, without those retired before `now` (KeyRing.verifiers).
  async function importKeys(feed, now) {
    const keys = new Map();
    for (const k of feed.keys || []) {
      if (k.retire_after && new Date(k.retire_after) < now) continue;
      keys.set(k.kid, await crypto.subtle.importKey("raw", fromBase64url(k.x), { name: "Ed25519" }, false, ["verify"]));
    }
    return keys;
  }

  // --- the decision (dcops.terms.door, on the feed) ----------------------------------------------------------------
  function fill(text, params) {
    return String(text).replace(/%\(([a-z_]+)\)s/g, (m, name) => (name in params ? String(params[name]) : m))
      .replace(/%%/g, "%");
  }

  function siteFormat(feed, options) {
    const lang = document.documentElement.lang === "nl" ? "nl-NL" : "en-GB";
    return new Intl.DateTimeFormat(lang, { timeZone: feed.timezone, hour12: false, ...options });
  }
  function moment(feed, date) {
    const parts = siteFormat(feed, { day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
    return parts + " " + siteFormat(feed, { hour: "2-digit", minute: "2-digit" }).format(date);
  }
  function siteDay(feed, date) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: feed.timezone }).format(date); // YYYY-MM-DD
  }
  function clockTime(feed, date, seconds) {
    const opts = { hour: "2-digit", minute: "2-digit" };
    if (seconds) opts.second = "2-digit";
    return siteFormat(feed, opts).format(date);
  }

  // Whether the person is inside: the feed's word, then the passages this screen recorded since it was made.
  function inside(feed, personId, passages) {
    let found = (feed.inside || []).includes(personId);
    const since = new Date(feed.generated_at);
    passages
      .filter((p) => p.person === personId && new Date(p.at) > since)
      .sort((a, b) => new Date(a.at) - new Date(b.at))
      .forEach((p) => { found = p.direction === "in"; });
    return found;
  }

  // The answer the screen gives on its own: {allowed, passed, reasons, holder, carry}. `read` is the claims, or the
  // Unreadable that says why not; `passages` this screen's own passages (see inside()).
  function decide(feed, texts, read, scan, passages) {
    const t = (key, params) => fill(texts[key] || key, params || {});
    const instruction = (rule) => (texts.instructions || {})[rule] || null;
    const reason = (rule, message, extra) => ({
      rule, article: "13.1", message, instruction: extra === undefined ? instruction(rule) : extra,
    });
    const reasons = [];
    let holder = null;
    if (read instanceof Unreadable) {
      reasons.push(reason("P1", t(read.key, read.params)));
    } else {
      const pass = (feed.passes || []).find((p) => p.id === read.passId);
      if (!pass) {
        reasons.push(reason("P1", t("p1_not_in_feed", { time: feed.time })));
      } else {
        const visit = feed.visits.find((v) => v.id === pass.visit);
        const person = feed.people.find((p) => p.id === pass.person);
        holder = { pass, visit, person };
      }
    }
    const room = (feed.rooms || []).find((r) => r.id === scan.roomId);
    const roomCode = room ? room.code : "";
    if (holder && scan.direction === "in") {
      const { visit, person } = holder;
      const now = scan.at;
      if (siteDay(feed, now) !== feed.day) {
        reasons.push(reason("P1", t("stale_feed", { day: feed.day }), texts.stale_instruction));
      }
      if (now < read.notBefore) reasons.push(reason("P2", t("p2_before", { moment: moment(feed, read.notBefore) })));
      else if (now > read.expires) reasons.push(reason("P2", t("p2_expired", { moment: moment(feed, read.expires) })));
      if ((feed.revoked || []).includes(read.passId)) reasons.push(reason("P3", t("p3")));
      if (!["approved", "in_progress"].includes(visit.status)) {
        reasons.push(reason("P4", t("p4", { status: visit.status_word })));
      }
      if (!visit.rooms.includes(roomCode)) {
        reasons.push(reason("P5", t("p5", { rooms: visit.rooms.slice().sort().join(", "), room: roomCode })));
      }
      reasons.push(...person.a1, ...((person.a2 || {})[roomCode] || []), ...visit.a7);
      if (inside(feed, person.id, passages)) reasons.push(reason("P6", t("p6")));
    }
    let allowed = reasons.length === 0;
    const passed = holder !== null && (scan.direction === "out" || allowed);
    const carry = [];
    if (scan.direction === "out") {
      for (const tag of scan.assetTags) {
        const refused = reason("P7", t("p7_offline", { what: tag }));
        carry.push({ asset_tag: tag, reasons: [refused] });
        reasons.push(refused);
      }
      if (carry.length) allowed = false;
    }
    return { allowed, passed, reasons, holder, carry };
  }

  // --- what the screen keeps: the feed, the queue of checks to send, its own recent passages (IndexedDB) ----------
  function openStore() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("dcops-door", 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("kv");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("passages", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  let opened = null;
  async function tx(store, mode, work) {
    opened = opened || openStore();
    const db = await opened;
    return new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      let result;
      Promise.resolve(work(t.objectStore(store))).then((r) => { result = r; }, reject);
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }
  const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const store = {
    get: (key) => tx("kv", "readonly", (s) => req(s.get(key))),
    put: (key, value) => tx("kv", "readwrite", (s) => { s.put(value, key); }),
    remove: (key) => tx("kv", "readwrite", (s) => { s.delete(key); }),
    queue: () => tx("queue", "readonly", (s) => req(s.getAll())),
    enqueue: (check) => tx("queue", "readwrite", (s) => { s.put(check); }),
    dequeue: (id) => tx("queue", "readwrite", (s) => { s.delete(id); }),
    passages: () => tx("passages", "readonly", (s) => req(s.getAll())),
    addPassage: (p) => tx("passages", "readwrite", (s) => { s.put(p); }),
    // Passages older than the feed are in it: kept a day, for a feed read just before they were sent.
    prunePassages: (before) => tx("passages", "readwrite", (s) => req(s.getAll()).then((all) => {
      all.filter((p) => new Date(p.at) < before).forEach((p) => s.delete(p.id));
    })),
  };

  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return hex(new Uint8Array(digest));
  }

  window.dcopsDoorOffline = {
    base45, cborDecode, cborEncode, readPass, importKeys, decide, fill, clockTime, Unreadable, store, sha256hex,
    MAX_TEXT,
  };
})();
