//! Authentication (static bearer tokens, client certificates, anonymous) and a
//! small authorizer standing in for RBAC: administrators may do everything,
//! read-only users may get, list and watch, other users only ask who they are.
//! Errors have the real server's forms.

use std::collections::HashMap;

use crate::error::{ApiError, Details, GroupResource};

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Everything (`system:masters`).
    Admin,
    /// `get`, `list` and `watch` on every resource.
    ReadOnly,
    /// Nothing but the self-review APIs and public paths.
    None,
}

/// The group that makes a user an administrator.
pub const MASTERS: &str = "system:masters";
/// The group that makes a user read-only (for token files and client certificates).
pub const READ_ONLY_GROUP: &str = "testserver:read-only";

impl Access {
    /// The access the groups of a user give.
    pub fn from_groups(groups: &[String]) -> Access {
        if groups.iter().any(|g| g == MASTERS) {
            Access::Admin
        } else if groups.iter().any(|g| g == READ_ONLY_GROUP) {
            Access::ReadOnly
        } else {
            Access::None
        }
    }
}

/// An authenticated (or anonymous) user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// User name.
    pub name: String,
    /// UID (empty when unknown).
    pub uid: String,
    /// Groups, with `system:authenticated` or `system:unauthenticated` last.
    pub groups: Vec<String>,
    /// What the user may do.
    pub access: Access,
}

impl User {
    /// A user with explicit access; `system:authenticated` is added to its groups.
    pub fn new(name: &str, uid: &str, groups: &[&str], access: Access) -> User {
        let mut groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        groups.push("system:authenticated".to_owned());
        User {
            name: name.to_owned(),
            uid: uid.to_owned(),
            groups,
            access,
        }
    }

    fn anonymous(access: Access) -> User {
        User {
            name: "system:anonymous".to_owned(),
            uid: String::new(),
            groups: vec!["system:unauthenticated".to_owned()],
            access,
        }
    }
}

/// Who may call the server.
#[derive(Clone, Default)]
pub struct Authenticator {
    tokens: HashMap<String, User>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Tokens are secrets: only the users show.
        let users: Vec<&str> = self.tokens.values().map(|u| u.name.as_str()).collect();
        f.debug_struct("Authenticator")
            .field("users", &users)
            .finish()
    }
}

/// The credentials a request carries.
#[derive(Clone, Debug, Default)]
pub struct Credentials<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The verified client certificate's subject: common name and organizations.
    pub certificate: Option<(String, Vec<String>)>,
    /// `Impersonate-User`.
    pub impersonate_user: Option<&'a str>,
    /// `Impersonate-Group` headers.
    pub impersonate_groups: Vec<&'a str>,
}

impl Authenticator {
    /// Adds a bearer token.
    pub fn add_token(&mut self, token: &str, user: User) {
        self.tokens.insert(token.to_owned(), user);
    }

    /// Whether any token is configured (then anonymous requests get no access).
    pub fn has_tokens(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// Reads a static token file: `token,user,uid,"group1,group2"` per line, as
    /// kube-apiserver's `--token-auth-file`; access follows the groups.
    pub fn load_token_file(&mut self, text: &str) -> Result<(), String> {
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (head, groups) = match line.split_once(",\"") {
                Some((head, rest)) => (head, rest.trim_end_matches('"')),
                None => (line, ""),
            };
            let fields: Vec<&str> = head.split(',').collect();
            if fields.len() < 3 || fields[0].is_empty() {
                return Err(format!(
                    "line {}: expected token,user,uid[,\"groups\"]",
                    number + 1
                ));
            }
            let groups: Vec<String> = groups
                .split(',')
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect();
            let access = Access::from_groups(&groups);
            let group_refs: Vec<&str> = groups.iter().map(String::as_str).collect();
            self.add_token(
                fields[0],
                User::new(fields[1], fields[2], &group_refs, access),
            );
        }
        Ok(())
    }

    /// Who the request is from: `401` for an unknown bearer token, anonymous for no
    /// (or a malformed) `Authorization` header, impersonation applied.
    pub fn authenticate(&self, credentials: &Credentials<'_>) -> Result<User, ApiError> {
        let token = credentials
            .authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let user = match (token, &credentials.certificate) {
            (Some(token), _) => self
                .tokens
                .get(token)
                .cloned()
                .ok_or_else(ApiError::unauthorized)?,
            (None, Some((name, organizations))) => {
                let access = Access::from_groups(organizations);
                let groups: Vec<&str> = organizations.iter().map(String::as_str).collect();
                User::new(name, "", &groups, access)
            }
            (None, None) if self.has_tokens() => User::anonymous(Access::None),
            (None, None) => User::anonymous(Access::Admin),
        };
        let Some(target) = credentials.impersonate_user else {
            return Ok(user);
        };
        if user.access != Access::Admin {
            return Err(ApiError::forbidden_object(
                &GroupResource::new("", "users"),
                target,
                &format!(
                    "User \"{}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
                    user.name
                ),
            ));
        }
        let known = self.tokens.values().find(|u| u.name == target);
        let groups: Vec<String> = credentials
            .impersonate_groups
            .iter()
            .map(|g| (*g).to_owned())
            .collect();
        let access = match Access::from_groups(&groups) {
            Access::None => known.map_or(Access::None, |u| u.access),
            access => access,
        };
        let mut groups = groups;
        groups.push("system:authenticated".to_owned());
        Ok(User {
            name: target.to_owned(),
            uid: String::new(),
            groups,
            access,
        })
    }
}

/// What a request does to which resource, for authorization.
#[derive(Clone, Debug)]
pub struct Attributes<'a> {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`.
    pub verb: &'a str,
    /// API group.
    pub group: &'a str,
    /// Plural resource.
    pub resource: &'a str,
    /// Subresource.
    pub subresource: Option<&'a str>,
    /// Namespace.
    pub namespace: Option<&'a str>,
    /// Object name.
    pub name: Option<&'a str>,
}

const SELF_REVIEWS: &[(&str, &str)] = &[
    ("authentication.k8s.io", "selfsubjectreviews"),
    ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"),
];

/// Whether `user` may make a resource request.
pub fn allowed(user: &User, attributes: &Attributes<'_>) -> bool {
    match user.access {
        Access::Admin => true,
        Access::ReadOnly if matches!(attributes.verb, "get" | "list" | "watch") => true,
        _ => {
            attributes.verb == "create"
                && attributes.subresource.is_none()
                && SELF_REVIEWS.contains(&(attributes.group, attributes.resource))
        }
    }
}

/// Checks a resource request: `403` in the real RBAC form when not allowed.
pub fn authorize(user: &User, attributes: &Attributes<'_>) -> Result<(), ApiError> {
    if allowed(user, attributes) {
        return Ok(());
    }
    let resource = match attributes.subresource {
        Some(sub) => format!("{}/{sub}", attributes.resource),
        None => attributes.resource.to_owned(),
    };
    let scope = match attributes.namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_owned(),
    };
    let why = format!(
        "User \"{}\" cannot {} resource \"{resource}\" in API group \"{}\" {scope}",
        user.name, attributes.verb, attributes.group
    );
    Err(ApiError::forbidden_object(
        &GroupResource::new(attributes.group, attributes.resource),
        attributes.name.unwrap_or(""),
        &why,
    ))
}

/// Paths anyone may read, even anonymously.
pub fn is_public_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    matches!(first, "version" | "healthz" | "livez" | "readyz")
}

/// Checks a non-resource request (`/api`, `/openapi/v3`…): authenticated users
/// may read discovery; anonymous users only the public paths.
pub fn authorize_path(user: &User, method: &str, path: &str) -> Result<(), ApiError> {
    let read = method == "GET";
    if (read && is_public_path(path))
        || user.access == Access::Admin
        || (read && user.groups.iter().any(|g| g == "system:authenticated"))
    {
        return Ok(());
    }
    Err(ApiError::forbidden(
        format!(
            "forbidden: User \"{}\" cannot {} path \"{path}\"",
            user.name,
            method.to_ascii_lowercase()
        ),
        Details::default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Authenticator {
        let mut auth = Authenticator::default();
        auth.add_token(
            "admin-token",
            User::new("admin", "1000", &[MASTERS], Access::Admin),
        );
        auth.add_token(
            "alice-token",
            User::new("alice", "1001", &["developers"], Access::None),
        );
        auth
    }

    #[test]
    fn tokens_anonymous_and_impersonation() {
        let auth = auth();
        let bad = auth
            .authenticate(&Credentials {
                authorization: Some("Bearer nope"),
                ..Credentials::default()
            })
            .unwrap_err();
        assert_eq!(bad.code, 401);
        let anonymous = auth
            .authenticate(&Credentials {
                authorization: Some("Basic YWRtaW46YWRtaW4="),
                ..Credentials::default()
            })
            .unwrap();
        assert_eq!(anonymous.name, "system:anonymous");
        let denied = auth
            .authenticate(&Credentials {
                authorization: Some("Bearer alice-token"),
                impersonate_user: Some("admin"),
                ..Credentials::default()
            })
            .unwrap_err();
        assert_eq!(
            denied.message,
            "users \"admin\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"
        );
    }

    #[test]
    fn forbidden_messages_have_the_rbac_form() {
        let alice = User::new("alice", "1001", &["developers"], Access::None);
        let error = authorize(
            &alice,
            &Attributes {
                verb: "get",
                group: "apps",
                resource: "deployments",
                subresource: Some("scale"),
                namespace: Some("default"),
                name: Some("x"),
            },
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "deployments.apps \"x\" is forbidden: User \"alice\" cannot get resource \"deployments/scale\" in API group \"apps\" in the namespace \"default\""
        );
        let mut file = Authenticator::default();
        file.load_token_file("t1,bob,7,\"testserver:read-only,x\"\n")
            .unwrap();
        let bob = file
            .authenticate(&Credentials {
                authorization: Some("Bearer t1"),
                ..Credentials::default()
            })
            .unwrap();
        assert_eq!(bob.access, Access::ReadOnly);
    }
}
