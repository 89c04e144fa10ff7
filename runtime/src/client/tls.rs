//! The connector: TCP (directly or through an HTTP `CONNECT` proxy), then TLS with rustls
//! (ring provider): custom CAs, client certificates, `tls-server-name`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;

use crate::config::{Config, ConfigError, parse_certs, parse_key};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The connector of the HTTP client.
pub(crate) type Connector = HttpsConnector<BaseConnector>;

/// TCP directly, or through a proxy's `CONNECT` tunnel.
#[derive(Clone)]
pub(crate) enum BaseConnector {
    Direct(HttpConnector),
    Proxy(Tunnel<HttpConnector>),
}

impl tower_service::Service<Uri> for BaseConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            BaseConnector::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            BaseConnector::Proxy(c) => c.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            BaseConnector::Direct(c) => {
                let fut = c.call(dst);
                Box::pin(async move { fut.await.map_err(Into::into) })
            }
            BaseConnector::Proxy(c) => {
                let fut = c.call(dst);
                Box::pin(async move { fut.await.map_err(Into::into) })
            }
        }
    }
}

fn tls_error(message: impl std::fmt::Display) -> ConfigError {
    ConfigError::Tls(message.to_string())
}

/// The rustls configuration of a [`Config`].
pub(crate) fn rustls_config(config: &Config) -> Result<ClientConfig, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?;
    let builder = if config.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
    } else {
        let mut roots = RootCertStore::empty();
        match &config.root_certs {
            Some(certs) => {
                for der in certs {
                    roots
                        .add(CertificateDer::from(der.clone()))
                        .map_err(|e| tls_error(format!("invalid CA certificate: {e}")))?;
                }
            }
            None => {
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
        }
        builder.with_root_certificates(roots)
    };
    let tls = match &config.identity {
        Some(identity) => {
            let certs = parse_certs(&identity.cert_pem)
                .map_err(tls_error)?
                .into_iter()
                .map(CertificateDer::from)
                .collect();
            let key = parse_key(identity.key_pem.expose()).map_err(tls_error)?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| tls_error(format!("client certificate: {e}")))?
        }
        None => builder.with_no_client_auth(),
    };
    // hyper-rustls sets the ALPN protocols itself (and panics when they are preset).
    Ok(tls)
}

/// The connector of a [`Config`].
pub(crate) fn connector(config: &Config) -> Result<Connector, ConfigError> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(config.connect_timeout);
    let base = match &config.proxy_url {
        None => BaseConnector::Direct(http),
        Some(proxy) => {
            if proxy.scheme_str() != Some("http") {
                return Err(ConfigError::Invalid {
                    file: None,
                    field: "proxy-url".into(),
                    message: format!("only http:// proxies are supported, not {proxy}"),
                });
            }
            let mut tunnel = Tunnel::new(proxy.clone(), http);
            if let Some(auth) = proxy_authorization(proxy) {
                tunnel = tunnel.with_auth(auth);
            }
            BaseConnector::Proxy(tunnel)
        }
    };
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(rustls_config(config)?)
        .https_or_http();
    let builder = match &config.tls_server_name {
        Some(name) => {
            let name = ServerName::try_from(
                name.trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned(),
            )
            .map_err(|e| ConfigError::Invalid {
                file: None,
                field: "tls-server-name".into(),
                message: format!("{name:?}: {e}"),
            })?;
            builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
        }
        None => builder,
    };
    Ok(builder.enable_http1().wrap_connector(base))
}

/// `Proxy-Authorization` for a proxy URL with `user:password@`.
fn proxy_authorization(proxy: &Uri) -> Option<HeaderValue> {
    use base64::Engine as _;
    let authority = proxy.authority()?.as_str();
    let (userinfo, _) = authority.rsplit_once('@')?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(userinfo);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// `insecure-skip-tls-verify`: accepts any server certificate.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
