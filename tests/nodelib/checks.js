// checks.js -- the verdict lines of the Node checkers (tests/kms/node,
// tests/hdr): "PASS what" or "FAIL what: why", one per check, which the
// e2e tests make TAP of; failed() says how many failed, for the exit code.
'use strict';

let failures = 0;

function check(cond, what, why) {
  if (cond) {
    console.log('PASS ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what + ': ' + (why === undefined ? '' : why));
  }
  return cond;
}

function failed() {
  return failures;
}

module.exports = {check, failed};
