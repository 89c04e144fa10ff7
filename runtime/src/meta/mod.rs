//! Go's `k8s.io/apimachinery/pkg/apis/meta`: the metadata shared by every API object.

pub mod v1;
