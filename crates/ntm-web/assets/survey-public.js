// The slip's QR code opens /s/{campaign}#t={code}: the code is after '#', which a browser
// never sends, so it reaches no server, proxy or access log. This fills the code field
// from it and removes it from the address bar and history. Without JavaScript the person
// types the code printed on the slip.
(function () {
  'use strict';
  var m = /^#t=([0-9A-Za-z-]{1,24})$/.exec(window.location.hash);
  if (!m) {
    return;
  }
  function fill() {
    var input = document.getElementById('token');
    if (input && !input.value) {
      input.value = m[1];
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', fill);
  } else {
    fill();
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
})();
