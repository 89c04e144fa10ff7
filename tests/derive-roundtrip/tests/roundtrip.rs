//! The derive's round trip, property-based: for random values of the derived
//! kinds (`kubegen-derive-fixtures`), what the derived types serialize is read
//! by the types the generator made from their CRDs (in `build.rs`), written
//! back as the same JSON, and read by the derived types as the same value.
//!
//! "The same JSON" ignores `null` members: serde writes a `None` without
//! `skip_serializing_if` as `null`, generated types omit it, and the API server
//! drops such nulls anyway. Nothing else may differ.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use kubegen::{Condition, IntOrString, LabelSelector, ObjectMeta, Quantity, Time};
use kubegen_derive_fixtures as derived;
use kubegen_derive_roundtrip::generated::example_com::{v1, v1alpha1};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Writes `value`, reads it as `G`, writes that, compares, and reads it back.
fn round_trip<D, G>(value: &D) -> Result<(), TestCaseError>
where
    D: Serialize + DeserializeOwned + PartialEq + Debug,
    G: Serialize + DeserializeOwned,
{
    let written = serde_json::to_value(value).map_err(fail)?;
    let generated: G = serde_json::from_value(written.clone()).map_err(|e| {
        TestCaseError::fail(format!(
            "the generated {} cannot read {written}: {e}",
            std::any::type_name::<G>()
        ))
    })?;
    let rewritten = serde_json::to_value(&generated).map_err(fail)?;
    prop_assert_eq!(without_nulls(&written), without_nulls(&rewritten));
    let back: D = serde_json::from_value(rewritten).map_err(fail)?;
    prop_assert_eq!(&back, value);
    Ok(())
}

fn fail(error: serde_json::Error) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

// ---- strategies: every value a field's type can hold, not only valid ones ----

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn string_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(text(), text(), 0..4)
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        finite_f64().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn time() -> impl Strategy<Value = Time> {
    // Years 1970..2200, with and without a fraction of a second.
    (
        0i64..7_258_118_400,
        prop_oneof![Just(0i32), 0i32..1_000_000_000],
    )
        .prop_map(|(seconds, nanos)| {
            Time(jiff::Timestamp::new(seconds, nanos).expect("in jiff's range"))
        })
}

fn quantity() -> impl Strategy<Value = Quantity> {
    "[0-9]{1,5}(\\.[0-9]{1,3})?(m|k|M|G|T|Ki|Mi|Gi|Ti|e3)?"
        .prop_map(|text| text.parse().expect("the pattern writes valid quantities"))
}

fn int_or_string() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        any::<i32>().prop_map(IntOrString::Int),
        text().prop_map(IntOrString::String),
    ]
}

fn object_meta() -> impl Strategy<Value = ObjectMeta> {
    (
        prop::option::of("[a-z0-9-]{1,20}"),
        prop::option::of("[a-z0-9-]{1,12}"),
        prop::option::of(string_map()),
        prop::option::of(string_map()),
        prop::option::of(any::<i64>()),
        prop::option::of("[0-9]{1,8}"),
        prop::option::of(time()),
        prop::option::of(prop::collection::vec(text(), 0..3)),
    )
        .prop_map(
            |(name, namespace, labels, annotations, generation, rv, created, finalizers)| {
                ObjectMeta {
                    name,
                    namespace,
                    labels,
                    annotations,
                    generation,
                    resource_version: rv,
                    creation_timestamp: created,
                    finalizers,
                    ..ObjectMeta::default()
                }
            },
        )
}

fn label_selector() -> impl Strategy<Value = LabelSelector> {
    let requirement = (
        text(),
        text(),
        prop::option::of(prop::collection::vec(text(), 0..3)),
    )
        .prop_map(
            |(key, operator, values)| kubegen::LabelSelectorRequirement {
                key,
                operator,
                values,
            },
        );
    (
        prop::option::of(string_map()),
        prop::option::of(prop::collection::vec(requirement, 0..3)),
    )
        .prop_map(|(match_labels, match_expressions)| LabelSelector {
            match_labels,
            match_expressions,
        })
}

fn condition() -> impl Strategy<Value = Condition> {
    (
        text(),
        text(),
        prop::option::of(any::<i64>()),
        time(),
        text(),
        text(),
    )
        .prop_map(
            |(type_, status, observed_generation, last_transition_time, reason, message)| {
                Condition {
                    type_,
                    status,
                    observed_generation,
                    last_transition_time,
                    reason,
                    message,
                }
            },
        )
}

fn size() -> impl Strategy<Value = derived::Size> {
    prop_oneof![
        Just(derived::Size::Small),
        Just(derived::Size::Large),
        Just(derived::Size::ExtraLarge),
    ]
}

fn port() -> impl Strategy<Value = derived::Port> {
    (text(), any::<i32>(), prop::option::of(text())).prop_map(|(name, port, protocol)| {
        derived::Port {
            name,
            port,
            protocol,
        }
    })
}

fn widget_spec() -> impl Strategy<Value = derived::WidgetSpec> {
    let scalars = (
        any::<i32>(),
        text(),
        prop::option::of(size()),
        string_map(),
        prop::option::of(int_or_string()),
        prop::option::of(quantity()),
        // `Some(Value::Null)` is written as `null`, which any `Option` reads as `None`.
        prop::option::of(json().prop_filter("not null", |v| !v.is_null())),
    );
    let rest = (
        prop::collection::vec(port(), 0..3),
        prop::option::of(label_selector()),
        prop::option::of(text()),
        prop::option::of(prop::collection::vec(any::<i64>(), 0..4)),
        prop::option::of(prop::collection::btree_set(text(), 0..3)),
        prop::option::of(finite_f64()),
        prop::option::of(any::<bool>()),
        text(),
    );
    (scalars, rest).prop_map(
        |(
            (replicas, color, size, labels, max_surge, memory, config),
            (ports, label_selector, theme, weights, tags, ratio, enabled, owner_team),
        )| derived::WidgetSpec {
            replicas,
            color,
            size,
            labels,
            max_surge,
            memory,
            config,
            ports,
            // Not on the wire (`#[serde(skip)]`), so it cannot come back.
            cache: None,
            label_selector,
            theme,
            weights,
            tags,
            ratio,
            enabled,
            common: derived::Common { owner_team },
        },
    )
}

fn widget_status() -> impl Strategy<Value = derived::WidgetStatus> {
    (
        prop::option::of(any::<i32>()),
        prop::option::of(text()),
        prop::collection::vec(condition(), 0..3),
        prop::option::of(time()),
    )
        .prop_map(
            |(replicas, selector, conditions, last_update)| derived::WidgetStatus {
                replicas,
                selector,
                conditions,
                last_update,
            },
        )
}

fn widget() -> impl Strategy<Value = derived::Widget> {
    (
        object_meta(),
        widget_spec(),
        prop::option::of(widget_status()),
    )
        .prop_map(|(metadata, spec, status)| derived::Widget {
            metadata,
            spec,
            status,
        })
}

fn gadget() -> impl Strategy<Value = derived::Gadget> {
    let extra = prop::collection::btree_map(
        text().prop_filter("`mode` is the declared field", |k| k != "mode"),
        json(),
        0..4,
    );
    let spec = (extra, text()).prop_map(|(extra, mode)| derived::GadgetSpec { extra, mode });
    let status = (
        any::<bool>(),
        prop::option::of(text()),
        prop::option::of(any::<u16>()),
    )
        .prop_map(|(ready, owner, port)| derived::GadgetStatus {
            ready,
            owner: owner.map(|name| derived::Owner { name }),
            port: port.map(derived::PortNumber),
        });
    (object_meta(), spec, prop::option::of(status), string_map()).prop_map(
        |(metadata, spec, status, notes)| derived::Gadget {
            metadata,
            spec,
            status,
            notes,
        },
    )
}

fn node() -> impl Strategy<Value = derived::Node> {
    Just(derived::Node {
        children: Vec::new(),
    })
    .prop_recursive(4, 32, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|children| derived::Node { children })
    })
}

fn forest() -> impl Strategy<Value = derived::Forest> {
    (object_meta(), prop::option::of(node())).prop_map(|(metadata, root)| derived::Forest {
        metadata,
        spec: derived::ForestSpec { root },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_widgets_read_what_derived_widgets_write(value in widget()) {
        round_trip::<derived::Widget, v1::Widget>(&value)?;
    }

    #[test]
    fn generated_gadgets_read_what_derived_gadgets_write(value in gadget()) {
        round_trip::<derived::Gadget, v1alpha1::Gadget>(&value)?;
    }

    #[test]
    fn generated_forests_read_what_derived_forests_write(value in forest()) {
        round_trip::<derived::Forest, v1::Forest>(&value)?;
    }
}

/// The generated types come from what the derive writes now: the CRDs the build
/// fed to the generator are exactly the fixtures' current ones (a stale build, or
/// a fixture kind left out of `crds()`, would leave the tests above checking
/// something else).
#[test]
fn the_build_read_the_current_derived_crds() {
    use kubegen::Resource as _;
    assert_eq!(
        kubegen_derive_roundtrip::DERIVED_CRDS,
        kubegen_derive_fixtures::crds_yaml().unwrap()
    );
    let names: BTreeSet<String> = kubegen_derive_fixtures::crds()
        .unwrap()
        .into_iter()
        .filter_map(|crd| crd.metadata.name)
        .collect();
    let expected = BTreeSet::from(
        [
            derived::Widget::CRD_NAME,
            derived::Gadget::CRD_NAME,
            derived::Forest::CRD_NAME,
        ]
        .map(str::to_owned),
    );
    assert_eq!(names, expected);
    assert_eq!(v1::Widget::KIND, derived::Widget::KIND);
    assert_eq!(v1alpha1::Gadget::PLURAL, derived::Gadget::PLURAL);
}
