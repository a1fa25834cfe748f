//! ringback's own documents, rendered as OpenAPI 3.0.3 and as 3.1.0, compare equal: every way
//! the two versions spell a schema (nullable references, nullable tagged enums, exclusive
//! bounds, examples) reads alike. And the versions' differences are found when they are real.

use ringback::contract::{compare, Class};
use ringback::openapi::OpenApiVersion::{V3_0_3, V3_1_0};

fn same_in_both_versions(name: &str, doc: ringback::openapi::Document) {
    let (v30, v31) = (doc.to_json(V3_0_3), doc.to_json(V3_1_0));
    assert_ne!(v30, v31);
    for (old, new) in [(&v30, &v31), (&v31, &v30)] {
        let r = compare(old, new).unwrap();
        assert!(r.is_empty(), "{name}:\n{r}");
    }
}

#[test]
fn the_feature_tour_reads_the_same_in_3_0_and_3_1() {
    same_in_both_versions("feature tour", super::feature_tour::api().document());
}

#[test]
fn the_order_service_reads_the_same_in_3_0_and_3_1() {
    same_in_both_versions(
        "order service",
        ringback_examples::service::api().document(),
    );
}

#[test]
fn a_change_between_versions_is_still_found() {
    let doc = ringback_examples::service::api().document();
    let v30 = doc.to_json(V3_0_3);
    let mut v31 = doc.to_json(V3_1_0);
    // 3.1's spelling of a nullable string, made not nullable: a response promises more
    // (compatible), a request accepts less (breaking).
    let customer_ref = &mut v31["components"]["schemas"]["BeerOrder"]["properties"]["customerRef"];
    assert_eq!(customer_ref["type"], serde_json::json!(["string", "null"]));
    customer_ref["type"] = "string".into();
    let r = compare(&v30, &v31).unwrap();
    assert_eq!(r.differences().len(), 1, "{r}");
    let d = &r.differences()[0];
    assert_eq!(
        d.message(),
        "`BeerOrder.customerRef`: is no longer nullable"
    );
    assert_eq!(d.class(), Class::Breaking);
    assert_eq!(
        d.class_in("response 201 of POST /v1/customers/{customerId}/orders (application/json)"),
        Some(Class::Compatible)
    );
}
