-- The public OCOP catalogue at any page (issue 15, "< 50 ms with 20,000 products"): its order
-- (search_key, id) without a province filter, and the provinces of rated products for the
-- filter. Measured with `cargo run -p ntm-bench --release --bin ocop-catalogue`
-- (docs/perf.md).
CREATE INDEX ocop_products_order ON ocop_products (search_key, id);
CREATE INDEX ocop_products_rated_province ON ocop_products (province_code) WHERE stars IS NOT NULL;
