// ginn play, part 1 of 2: keeping a recording. A store-only zip writer (the saved run directory) and the replay
// viewer page (the viewer's template from `ginn view` with the recording's data). Not the live page (play.js).
'use strict';

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of bytes, as zip stores it. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive of `files` ([{name, bytes}]) without compression (method 0, "stored"): local headers, the data, the
 * central directory and its end record (PKWARE APPNOTE 6.3, sections 4.3.7-4.3.16). Names are UTF-8. Returns bytes.
 */
function zipStore(files) {
  const enc = new TextEncoder(), parts = [], central = [];
  let offset = 0;
  const header = (size) => { const b = new Uint8Array(size); return [b, new DataView(b.buffer)]; };
  for (const f of files) {
    const name = enc.encode(f.name), crc = crc32(f.bytes), n = f.bytes.length;
    const [local, lv] = header(30 + name.length);
    lv.setUint32(0, 0x04034b50, true); lv.setUint16(4, 20, true); lv.setUint16(6, 0x0800, true);  // version 2.0, UTF-8 names
    lv.setUint32(14, crc, true); lv.setUint32(18, n, true); lv.setUint32(22, n, true); lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const [cen, cv] = header(46 + name.length);
    cv.setUint32(0, 0x02014b50, true); cv.setUint16(4, 20, true); cv.setUint16(6, 20, true); cv.setUint16(8, 0x0800, true);
    cv.setUint32(16, crc, true); cv.setUint32(20, n, true); cv.setUint32(24, n, true); cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cen.set(name, 46);
    parts.push(local, f.bytes);
    central.push(cen);
    offset += local.length + n;
  }
  const size = central.reduce((a, b) => a + b.length, 0);
  const [end, ev] = header(22);
  ev.setUint32(0, 0x06054b50, true); ev.setUint16(8, files.length, true); ev.setUint16(10, files.length, true);
  ev.setUint32(12, size, true); ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + size + 22);
  let at = 0;
  for (const p of [...parts, ...central, end]) { out.set(p, at); at += p.length; }
  return out;
}

/** The files of a run directory in the engine's in-memory file system, zipped under `folder/`. */
function zipRunDirectory(FS, dir, folder) {
  const files = FS.readdir(dir).filter(n => n !== '.' && n !== '..').sort()
    .map(n => ({ name: `${folder}/${n}`, bytes: FS.readFile(`${dir}/${n}`) }));
  return zipStore(files);
}

/** The replay viewer page for viewer data (JSON text): the page's template with the data at its marker. */
function replayPage(dataText) {
  const template = JSON.parse(document.getElementById('ginn-viewer-template').textContent);
  return template.replace('/*GINN_DATA*/', () => dataText.replace(/</g, '\\u003c'));
}

/** Offers bytes as a download named `name`. */
function downloadBytes(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
