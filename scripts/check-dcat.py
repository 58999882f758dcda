#!/usr/bin/env python3
"""Checks a DCAT-AP catalogue in JSON-LD with rdflib (a real RDF library): parses it as RDF
and requires the DCAT-AP mandatory properties plus licence and change date.

    check-dcat.py catalog.jsonld      (exit 0 when it passes; every problem printed)

Catalogue: dct:title, dct:description, dct:publisher, dcat:dataset, dct:license.
Dataset: dct:title, dct:description, dct:modified (an xsd:dateTime), dcat:distribution.
Distribution: dcat:accessURL (an IRI), dct:license.
Run by the HTTP test `open_data_catalogue_is_dcat` (crates/ntm-web/tests/web/open_data.rs);
Debian package python3-rdflib (.ci/run installs it).
"""
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

def main(path):
    g = Graph()
    with open(path, encoding="utf-8") as f:
        g.parse(data=f.read(), format="json-ld")
    problems = []
    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    if len(catalogs) != 1:
        problems.append(f"expected one dcat:Catalog, found {len(catalogs)}")
    for c in catalogs:
        for p in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset, DCTERMS.license):
            if g.value(c, p) is None:
                problems.append(f"catalogue {c}: missing {p}")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    if not datasets:
        problems.append("no dcat:Dataset")
    listed = set(g.objects(None, DCAT.dataset))
    distributions = 0
    for d in datasets:
        if d not in listed:
            problems.append(f"dataset {d} is not listed by the catalogue")
        for p in (DCTERMS.title, DCTERMS.description, DCAT.distribution):
            if g.value(d, p) is None:
                problems.append(f"dataset {d}: missing {p}")
        m = g.value(d, DCTERMS.modified)
        if not (isinstance(m, Literal) and m.datatype == XSD.dateTime and m.toPython() is not None):
            problems.append(f"dataset {d}: dct:modified must be an xsd:dateTime, got {m!r}")
        for dist in g.objects(d, DCAT.distribution):
            distributions += 1
            if (dist, RDF.type, DCAT.Distribution) not in g:
                problems.append(f"distribution {dist}: not typed dcat:Distribution")
            url = g.value(dist, DCAT.accessURL)
            if not isinstance(url, URIRef):
                problems.append(f"distribution {dist}: dcat:accessURL must be an IRI, got {url!r}")
            if g.value(dist, DCTERMS.license) is None:
                problems.append(f"distribution {dist}: missing dct:license")
    for p in problems:
        print("DCAT:", p)
    print(f"{len(datasets)} datasets, {distributions} distributions, {len(g)} triples")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
