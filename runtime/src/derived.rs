//! Support for `#[derive(Resource)]` that depends on this crate's features.

/// Implements the client verb markers of a derived kind (as
/// `group_version_clients!` does for generated kinds) when the `client`
/// feature is on; nothing otherwise, so the derive works in both builds.
#[cfg(feature = "client")]
#[doc(hidden)]
#[macro_export]
macro_rules! __derived_verbs {
    ($ty:path [ $( $verb:ident )* ]) => {
        $( $crate::group_version_clients!(@verb $verb $ty); )*
    };
}

/// Without the client there are no verb markers to implement.
#[cfg(not(feature = "client"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __derived_verbs {
    ($ty:path [ $( $verb:ident )* ]) => {};
}
