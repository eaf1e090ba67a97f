// check.js -- Google's own Cloud KMS client against logen's KMS stand-in
// (tests/kms/standin.py): @google-cloud/kms in REST mode (fallback: true,
// HTTP/1.1 + JSON, as the REST API documents it) authenticated by
// google-auth-library's JWT client, whose kid-less grant JWT is exchanged
// at the stand-in's /token. Runs encrypt, decrypt, getPublicKey and
// asymmetricSign and checks what Google's samples check: the verified*
// flags, every response CRC-32C, the names, the round trip, and the
// signature against the public key (Node's crypto).
//
//   node check.js --port PORT --credentials SA.json
//
// Loopback only: the API endpoint is 127.0.0.1:PORT and the token request,
// which the library sends to Google's fixed token URL, is rewritten to the
// stand-in before it leaves (anything else not on loopback is refused).
// The stand-in's certificate comes through NODE_EXTRA_CA_CERTS. Prints
// "PASS what" or "FAIL what: why" per check (tests/e2e/kms_node.t makes TAP
// of them) and exits 1 if any failed.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const {KeyManagementServiceClient} = require('@google-cloud/kms');
const {JWT, OAuth2Client, gaxios} = require('google-auth-library');

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const RING = 'projects/logen-test/locations/global/keyRings/ring1/cryptoKeys/';
const {check, failed} = require('../../nodelib/checks.js');

// CRC-32C bit by bit (reflected 0x82F63B78, init and final xor 0xFFFFFFFF).
function crc32c(buf) {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// An Int64Value as the client hands it back (a string, number or Long).
function int64(v) {
  if (v === null || v === undefined) return null;
  return Number(typeof v === 'object' && 'value' in v ? v.value : v);
}

function args() {
  const a = {};
  for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  if (!a.port || !a.credentials) throw new Error('usage: node check.js --port PORT --credentials SA.json');
  return a;
}

// A transport that sends the token request to the stand-in and refuses
// any URL not on loopback.
function loopbackTransport(port) {
  const transporter = new gaxios.Gaxios();
  transporter.interceptors.request.add({
    resolved: async opts => {
      if (String(opts.url) === GOOGLE_TOKEN_URL) opts.url = new URL(`https://127.0.0.1:${port}/token`);
      const host = new URL(String(opts.url)).hostname;
      if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') {
        throw new Error('check.js: refusing a request off loopback: ' + opts.url);
      }
      return opts;
    },
  });
  return transporter;
}

async function checkEncrypt(kms) {
  const name = RING + 'symmetric1';
  const plaintext = crypto.randomBytes(1000);
  const aad = Buffer.from('logen kms_node.t');
  const [enc] = await kms.encrypt({
    name, plaintext, plaintextCrc32c: {value: crc32c(plaintext)},
    additionalAuthenticatedData: aad, additionalAuthenticatedDataCrc32c: {value: crc32c(aad)},
  });
  const ct = Buffer.from(enc.ciphertext);
  check(enc.verifiedPlaintextCrc32c === true && enc.verifiedAdditionalAuthenticatedDataCrc32c === true,
        'encrypt: verifiedPlaintextCrc32c and verifiedAdditionalAuthenticatedDataCrc32c', JSON.stringify(enc));
  check(int64(enc.ciphertextCrc32c) === crc32c(ct), 'encrypt: ciphertextCrc32c is the ciphertext\'s',
        `${int64(enc.ciphertextCrc32c)} vs ${crc32c(ct)}`);
  check(enc.name === name + '/cryptoKeyVersions/1', 'encrypt: name is the primary version', enc.name);
  check(enc.protectionLevel === 'SOFTWARE', 'encrypt: protectionLevel SOFTWARE (from enum-encoding=int)',
        enc.protectionLevel);
  const [dec] = await kms.decrypt({
    name, ciphertext: ct, ciphertextCrc32c: {value: crc32c(ct)},
    additionalAuthenticatedData: aad, additionalAuthenticatedDataCrc32c: {value: crc32c(aad)},
  });
  const back = Buffer.from(dec.plaintext);
  check(back.equals(plaintext), 'decrypt: the round trip gives the 1000 bytes back', back.length);
  check(int64(dec.plaintextCrc32c) === crc32c(back), 'decrypt: plaintextCrc32c is the plaintext\'s',
        int64(dec.plaintextCrc32c));
  check(dec.usedPrimary === true, 'decrypt: usedPrimary', dec.usedPrimary);
}

async function checkSign(kms, key, hash, algorithm) {
  const name = RING + key + '/cryptoKeyVersions/1';
  const [pub] = await kms.getPublicKey({name});
  check(pub.algorithm === algorithm && pub.name === name, `getPublicKey ${key}: ${algorithm}, the version name`,
        `${pub.algorithm} ${pub.name}`);
  check(int64(pub.pemCrc32c) === crc32c(Buffer.from(pub.pem)), `getPublicKey ${key}: pemCrc32c is the PEM's`,
        int64(pub.pemCrc32c));
  const message = crypto.randomBytes(300);
  const digest = crypto.createHash(hash).update(message).digest();
  const [sig] = await kms.asymmetricSign({name, digest: {[hash]: digest}, digestCrc32c: {value: crc32c(digest)}});
  const signature = Buffer.from(sig.signature);
  check(sig.verifiedDigestCrc32c === true, `asymmetricSign ${key}: verifiedDigestCrc32c`, JSON.stringify(sig));
  check(int64(sig.signatureCrc32c) === crc32c(signature), `asymmetricSign ${key}: signatureCrc32c is the signature's`,
        int64(sig.signatureCrc32c));
  check(sig.name === name, `asymmetricSign ${key}: name is the version`, sig.name);
  const ok = crypto.verify(hash, message, crypto.createPublicKey(pub.pem), signature);
  check(ok, `asymmetricSign ${key}: the signature verifies with getPublicKey's PEM (Node's crypto)`);
  const other = crypto.verify(hash, Buffer.concat([message, Buffer.from('x')]), crypto.createPublicKey(pub.pem),
                              signature);
  check(!other, `asymmetricSign ${key}: and not for another message`);
}

function client(port, authClient) {
  return new KeyManagementServiceClient({fallback: true, apiEndpoint: '127.0.0.1', port: Number(port), authClient});
}

// Runs each group; a call that throws is a failure, the other groups still run.
async function run(groups) {
  for (const group of groups) {
    try {
      await group();
    } catch (e) {
      check(false, 'a call of Google\'s client failed', e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
    }
  }
}

async function main() {
  const a = args();
  const sa = JSON.parse(fs.readFileSync(a.credentials, 'utf8'));
  const jwt = new JWT({email: sa.client_email, key: sa.private_key, scopes: [SCOPE],
                       transporter: loopbackTransport(a.port)});
  let kms = null;
  await run([async () => {
    const creds = await jwt.authorize(); // the RFC 7523 grant, its JWT without kid
    check(/^ya29\.standin-/.test(creds.access_token || ''),
          'google-auth-library\'s grant (a JWT without kid) gets an access token from the stand-in', creds.access_token);
    const oauth = new OAuth2Client();
    oauth.setCredentials({access_token: creds.access_token});
    kms = client(a.port, oauth);
  }]);
  if (kms) {
    await run([
      () => checkEncrypt(kms),
      () => checkSign(kms, 'asymmetric1', 'sha256', 'EC_SIGN_P256_SHA256'),
      () => checkSign(kms, 'asymmetric384', 'sha384', 'EC_SIGN_P384_SHA384'),
      () => checkSign(kms, 'rsasign1', 'sha256', 'RSA_SIGN_PKCS1_2048_SHA256'),
    ]);
    await kms.close();
  }
  // The JWT client itself, as the library uses a service account with a
  // GAPIC client: a self-signed JWT per call (no kid), no token exchange.
  const direct = client(a.port, jwt);
  await run([async () => {
    const [enc] = await direct.encrypt({name: RING + 'symmetric1', plaintext: Buffer.from('self-signed')});
    check(enc.name === RING + 'symmetric1/cryptoKeyVersions/1',
          'encrypt with the JWT client as authClient (a self-signed JWT without kid)', JSON.stringify(enc));
  }]);
  await direct.close();
  console.log(`check.js: ${failed()} failed`);
  return failed() ? 1 : 0;
}

main().then(code => process.exit(code), e => {
  console.log('FAIL check.js: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
