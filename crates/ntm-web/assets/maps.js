/* NTM Số — the status map (docs/maps.md). Draws /maps/status.geojson with Leaflet (vendored,
   BSD-2-Clause) over the page's table, which stays the view without JavaScript. Layers: the
   NTM status of each commune, and the OGC API collections' OCOP products, raw-material
   areas, rural tourism points and citizens' feedback (read page after page through their `next` links, within the map's extent). No base
   layer unless the server is configured with one (NTM_MAP_TILES_URL). Everything shown is
   built as elements with textContent: no HTML from data. */
(function () {
  'use strict';
  var el = document.getElementById('status-map');
  if (!el || !window.L || !window.fetch) { return; }
  var d = el.dataset;
  var status = document.getElementById('map-status');
  var labels = {};
  try { labels = JSON.parse(d.labels || '{}'); } catch (e) { labels = {}; }
  var colours = {
    met: '#1a7f37', no_known_shortfall: '#8fd19e', needs_verification: '#e8a317',
    not_met: '#c62828', missing: '#9aa5b1', not_applicable: '#d9dee4', not_evaluated: '#ffffff'
  };
  var MAX_PAGES = 20;

  function say(text) { if (status) { status.textContent = text || ''; } }
  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }
  function link(href, text) { var a = node('a', null, text); a.href = href; return a; }

  el.classList.add('is-ready');
  var map = L.map(el, { zoomSnap: 0.25, maxZoom: 18, attributionControl: true });
  map.setView([16.0, 106.5], 5);
  var bases = {};
  if (d.tiles) {
    var tiles = L.tileLayer(d.tiles, { attribution: d.attribution || '', maxZoom: 18 });
    tiles.addTo(map);
    bases[d.lBase] = tiles;
  }

  function unitPopup(p) {
    var box = node('div', 'map-popup');
    box.appendChild(node('p', 'map-popup-title', p.name + ' (' + p.code + ')'));
    box.appendChild(node('p', null, labels[p['class']] || p['class']));
    if (p.criteria_met !== null && p.criteria_met !== undefined) {
      box.appendChild(node('p', null, d.lCriteria + ': ' + p.criteria_met + '/' + p.criteria_total));
    }
    if (p.location === 'parent_point') { box.appendChild(node('p', 'muted', d.lPoint)); }
    var l = node('p'); l.appendChild(link(p.href, d.lScorecard)); box.appendChild(l);
    return box;
  }

  var statusLayer = L.geoJSON(null, {
    style: function (f) {
      return { color: '#39424d', weight: 0.6, opacity: 0.9,
        fillColor: colours[f.properties['class']] || '#ffffff', fillOpacity: 0.78 };
    },
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, { radius: 5, color: '#39424d', weight: 1,
        fillColor: colours[f.properties['class']] || '#ffffff', fillOpacity: 0.9 });
    },
    onEachFeature: function (f, layer) { layer.bindPopup(function () { return unitPopup(f.properties); }); }
  }).addTo(map);

  function itemPopup(kind, f) {
    var p = f.properties || {};
    var box = node('div', 'map-popup');
    if (kind === 'ocop') {
      box.appendChild(node('p', 'map-popup-title', p.name || f.id));
      if (p.stars) { box.appendChild(node('p', null, d.lStars + ': ' + p.stars + ' ★')); }
      var a = node('p'); a.appendChild(link(d.ocopPage.replace('ID', encodeURIComponent(f.id)), d.lOpen));
      box.appendChild(a);
    } else if (kind === 'tourism') {
      box.appendChild(node('p', 'map-popup-title', p.name || f.id));
      var kindName = document.documentElement.lang === 'en' ? p.kind_en : p.kind_vi;
      if (kindName) { box.appendChild(node('p', null, kindName)); }
      var t = node('p');
      t.appendChild(link(d.tourismPage.replace('00000000-0000-0000-0000-000000000000', encodeURIComponent(f.id)), d.lOpen));
      box.appendChild(t);
    } else if (kind === 'feedback') {
      box.appendChild(node('p', 'map-popup-title', (p.category || p.category_code || '') + ' · ' + f.id));
      if (p.received_on) {
        var day = document.documentElement.lang === 'en' ? p.received_on : p.received_on.split('-').reverse().join('/');
        box.appendChild(node('p', null, day));
      }
      var r = node('p');
      r.appendChild(link(d.feedbackPage.replace('CODE', encodeURIComponent(f.id)), d.lOpen));
      box.appendChild(r);
    } else {
      box.appendChild(node('p', 'map-popup-title', (p.code || f.id) + (p.crop ? ' · ' + p.crop : '')));
      var b = node('p');
      b.appendChild(link(d.areaPage.replace('00000000-0000-0000-0000-000000000000', encodeURIComponent(f.id)), d.lOpen));
      box.appendChild(b);
    }
    return box;
  }

  function overlay(kind, colour) {
    return L.geoJSON(null, {
      style: function () { return { color: colour, weight: 2, fillOpacity: 0.25 }; },
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 6, color: '#ffffff', weight: 1.5, fillColor: colour, fillOpacity: 1 });
      },
      onEachFeature: function (f, layer) { layer.bindPopup(function () { return itemPopup(kind, f); }); }
    });
  }
  var ocop = overlay('ocop', '#6a1b9a');
  var areas = overlay('areas', '#0b4f71');
  var tourism = overlay('tourism', '#8a3c00');
  var feedback = overlay('feedback', '#b45309');
  var sources = { ocop: [ocop, d.ocop], areas: [areas, d.areas], tourism: [tourism, d.tourism], feedback: [feedback, d.feedback] };

  function fetchJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/geo+json, application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  // An OGC collection's items, page after page (keyset `next` links), within `bbox`.
  function loadItems(base, layer, bbox, page, url) {
    var first = base + '?limit=1000' + (bbox ? '&bbox=' + bbox : '');
    return fetchJson(url || first).then(function (fc) {
      layer.addData(fc);
      var next = (fc.links || []).filter(function (l) { return l.rel === 'next'; })[0];
      if (next && page < MAX_PAGES) {
        var u = new URL(next.href, window.location.href);
        return loadItems(base, layer, bbox, page + 1, u.pathname + u.search);
      }
      return null;
    });
  }
  var loaded = {};
  map.on('overlayadd', function (e) {
    var which = Object.keys(sources).filter(function (k) { return sources[k][0] === e.layer; })[0];
    if (!which || loaded[which]) { return; }
    loaded[which] = true;
    var b = statusLayer.getBounds();
    var bbox = b.isValid() ? [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(4); }).join(',') : '';
    say(d.lLoading);
    loadItems(sources[which][1], e.layer, bbox, 1).then(function () { say(''); })
      .catch(function () { loaded[which] = false; say(d.lError); });
  });

  var overlays = {};
  overlays[d.lStatus] = statusLayer;
  overlays[d.lOcop] = ocop;
  overlays[d.lAreas] = areas;
  overlays[d.lTourism] = tourism;
  overlays[d.lFeedback] = feedback;
  // Collapsed (an icon) unless the map is wide: five overlays expanded would cover its communes.
  L.control.layers(bases, overlays, { collapsed: el.clientWidth < 800 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  say(d.lLoading);
  fetchJson(d.geojson).then(function (fc) {
    statusLayer.addData(fc);
    var b = statusLayer.getBounds();
    if (b.isValid()) { map.fitBounds(b, { padding: [8, 8], maxZoom: 12 }); }
    say('');
    el.setAttribute('data-loaded', String((fc.features || []).length));
  }).catch(function () { say(d.lError); });
})();
