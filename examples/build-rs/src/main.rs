//! Uses types generated in `build.rs` by `kubegen_generator::Builder`:
//! builds a Widget, prints it as JSON, and decodes it back through the scheme.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/kubegen.rs"));
}

use generated::example_kubegen_dev::v1::{Widget, WidgetSpec, WidgetSpecColor};
use kubegen::{IntOrString, Resource};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut widget = Widget {
        metadata: kubegen::ObjectMeta {
            name: Some("gizmo".to_owned()),
            namespace: Some("default".to_owned()),
            ..Default::default()
        },
        spec: WidgetSpec {
            color: WidgetSpecColor::Blue,
            size: IntOrString::String("50%".to_owned()),
            replicas: Some(3),
            ..Default::default()
        },
        ..Default::default()
    };
    widget.spec.tags = Some(vec!["demo".to_owned()]);

    let json = serde_json::to_value(&widget)?;
    println!("{}", serde_json::to_string_pretty(&json)?);

    let decoded = generated::scheme().decode(&json)?;
    let back = decoded
        .downcast_ref::<Widget>()
        .ok_or("the scheme decoded another type")?;
    assert_eq!(back, &widget);
    println!(
        "decoded {} {} through the scheme",
        Widget::API_VERSION,
        Widget::KIND
    );
    Ok(())
}
