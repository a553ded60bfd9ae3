use proptest::prelude::*;

use super::{mask, scan, tokens, Class, Hit, KINDS};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Deterministic pseudo-random text (xorshift), so fixtures need no hand-counted lengths.
fn rand(seed: u64, n: usize, alphabet: &[u8]) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

fn rand_bytes(seed: u64, n: usize) -> Vec<u8> {
    let all: Vec<u8> = (0..=255).collect();
    rand(seed, n, &all).chars().map(|c| c as u32 as u8).collect()
}

fn base64(data: &[u8], alphabet: &[u8], pad: bool) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

const STD64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64url(s: &str) -> String {
    base64(s.as_bytes(), URLSAFE, false)
}

fn found(text: &str) -> Vec<(&'static str, String)> {
    let mut hits = Vec::new();
    scan(text, &mut hits);
    hits.iter().map(|h| (h.kind.id, text[h.span.range()].to_owned())).collect()
}

#[track_caller]
fn assert_finds(text: &str, id: &str, value: &str) {
    let hits = found(text);
    assert!(hits.iter().any(|(k, v)| *k == id && v == value), "expected {id} `{value}` in `{text}`, got {hits:?}");
}

#[track_caller]
fn assert_only(text: &str, id: &str, value: &str) {
    let hits = found(text);
    assert_eq!(hits, vec![(id, value.to_owned())], "in `{text}`");
}

#[track_caller]
fn assert_none(text: &str) {
    let hits = found(text);
    assert!(hits.is_empty(), "expected nothing in `{text}`, got {hits:?}");
}

#[track_caller]
fn assert_no_kind(text: &str, id: &str) {
    let hits = found(text);
    assert!(hits.iter().all(|(k, _)| *k != id), "expected no {id} in `{text}`, got {hits:?}");
}

#[test]
fn automata_build() {
    assert!(tokens::engine_ok());
}

#[test]
fn kinds_are_unique_snake_case_and_classed() {
    let mut ids = std::collections::HashSet::new();
    for k in KINDS {
        assert!(ids.insert(k.id), "duplicate {}", k.id);
        assert!(k.id.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'), "{}", k.id);
        assert!(k.name.starts_with("a ") || k.name.starts_with("an "), "{}", k.name);
        if k.class == Class::Pii {
            assert!(k.issuers.is_empty() && !k.generic, "{}", k.id);
        }
    }
    assert_eq!(KINDS.len(), super::N_KINDS);
}

#[test]
fn plain_text_allocates_nothing() {
    let mut hits = Vec::new();
    scan("SELECT id, name FROM users WHERE created_at > now() - interval '1 day'", &mut hits);
    scan("reset your password in settings; the token expired", &mut hits);
    assert!(hits.is_empty());
    assert_eq!(hits.capacity(), 0);
}

#[test]
fn appends_after_existing_hits_in_order() {
    let mut hits = vec![Hit { kind: &super::EMAIL, span: crate::fact::Span::new(100, 110) }];
    let text = "mail bob@example.org, card 4111111111111111, ann@example.net";
    scan(text, &mut hits);
    let ids: Vec<_> = hits.iter().map(|h| h.kind.id).collect();
    assert_eq!(ids, ["email", "email", "credit_card", "email"]);
    assert!(hits[1..].windows(2).all(|w| w[0].span.start <= w[1].span.start));
}

// ---- AWS ----

#[test]
fn aws_access_key_ids() {
    assert_only("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id", "AKIAIOSFODNN7EXAMPLE");
    let id = format!("ASIA{}", rand(1, 16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    assert_only(&format!("\"AccessKeyId\": \"{id}\""), "aws_access_key_id", &id);
    let a3t = format!("A3TX{}", rand(2, 16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    assert_finds(&format!("key {a3t}"), "aws_access_key_id", &a3t);
    assert_none("AKIAIOSFODNN7EXAMPLEX");
    assert_none("xAKIAIOSFODNN7EXAMPLE");
    assert_none("akiaiosfodnn7example");
    assert_none("AKIA0000000000000000"); // 0 and 1 are not in the key alphabet
    assert_none("The ASIA-PACIFIC region");
}

#[test]
fn aws_secret_access_keys_need_context() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let ini = format!("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {secret}\n");
    assert_eq!(
        found(&ini),
        vec![("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE".to_owned()), ("aws_secret_access_key", secret.to_owned())]
    );
    // The name alone is context enough, in any spelling.
    assert_only(&format!("{{\"SecretAccessKey\": \"{secret}\"}}"), "aws_secret_access_key", secret);
    assert_only(&format!("export AWS_SECRET_ACCESS_KEY={secret}"), "aws_secret_access_key", secret);
    // Near a key id, without a name.
    let t = format!("creds AKIAIOSFODNN7EXAMPLE {secret}");
    assert_finds(&t, "aws_secret_access_key", secret);
    // Alone it is any base64.
    assert_none(&format!("blob {secret} end"));
    // A commit id next to a key id is not its secret.
    assert_no_kind("AKIAIOSFODNN7EXAMPLE 9fceb02d0ae598e95dc970b74767f19372d61af8", "aws_secret_access_key");
}

// ---- Private keys ----

fn pem(label: &str, seed: u64, lines: usize) -> String {
    let mut s = format!("-----BEGIN {label}-----\n");
    for i in 0..lines {
        s.push_str(&rand(seed + i as u64, 64, STD64));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----"));
    s
}

#[test]
fn private_key_blocks() {
    for label in ["RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY"] {
        let block = pem(label, 7, 3);
        let text = format!("cat <<EOF\n{block}\nEOF");
        assert_only(&text, "private_key", &block);
    }
    let encrypted =
        format!("-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----", rand(3, 64, STD64));
    assert_only(&encrypted, "private_key", &encrypted);
    let legacy = format!(
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{}\n\n{}\n-----END RSA PRIVATE KEY-----",
        rand(4, 32, b"0123456789ABCDEF"),
        rand(5, 64, STD64)
    );
    assert_only(&legacy, "private_key", &legacy);
    let pgp = format!(
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n{}\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
        rand(6, 64, STD64)
    );
    assert_only(&pgp, "private_key", &pgp);
}

#[test]
fn truncated_and_escaped_private_keys() {
    let truncated = format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{}", rand(8, 70, STD64));
    assert_only(&format!("here: {truncated}"), "private_key", &truncated);
    let short = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...";
    assert_only(short, "private_key", short);
    let escaped = format!("-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----", rand(9, 64, STD64));
    assert_only(&format!("echo -e \"{escaped}\" > k.pem"), "private_key", &escaped);
}

#[test]
fn public_keys_certificates_and_code_are_not_private_keys() {
    assert_none(&pem("PUBLIC KEY", 10, 2));
    assert_none(&pem("CERTIFICATE", 11, 2));
    assert_none(&pem("RSA PUBLIC KEY", 12, 2));
    assert_none("if pem.starts_with(\"-----BEGIN RSA PRIVATE KEY-----\") { return parse_rsa(pem) }");
    assert_none("-----BEGIN PRIVATE KEY-----\nYOUR KEY HERE\n-----END PRIVATE KEY-----");
    assert_none("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----");
}

// ---- Vendor tokens ----

#[test]
fn github_tokens() {
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        let t = format!("{prefix}{}", rand(20, 36, ALNUM));
        assert_only(&format!("Authorization: token {t}"), "github_token", &t);
    }
    let pat = format!("github_pat_{}_{}", rand(21, 22, ALNUM), rand(22, 59, ALNUM));
    assert_only(&format!("GH_TOKEN={pat}"), "github_token", &pat);
    assert_none(&format!("ghp_{}", rand(23, 35, ALNUM)));
    assert_none(&format!("xghp_{}", rand(24, 36, ALNUM)));
    assert_none("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_none("ghp_000000000000000000000000000000000000");
}

#[test]
fn gitlab_tokens() {
    for prefix in ["glpat-", "gldt-", "glptt-", "glrt-"] {
        let t = format!("{prefix}{}", rand(30, 20, ALNUM));
        assert_only(&format!("PRIVATE-TOKEN: {t}."), "gitlab_token", &t);
    }
    assert_none(&format!("glpat-{}", rand(31, 12, ALNUM)));
}

#[test]
fn slack_tokens_and_webhooks() {
    let bot = format!("xoxb-{}-{}-{}", rand(40, 12, b"0123456789"), rand(41, 13, b"0123456789"), rand(42, 24, ALNUM));
    assert_only(&format!("SLACK_BOT_TOKEN={bot}"), "slack_token", &bot);
    let user = format!(
        "xoxp-{}-{}-{}-{}",
        rand(43, 11, b"0123456789"),
        rand(44, 11, b"0123456789"),
        rand(45, 12, b"0123456789"),
        rand(46, 32, HEX)
    );
    assert_only(&user, "slack_token", &user);
    let app = format!(
        "xapp-1-A{}-{}-{}",
        rand(47, 10, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        rand(48, 13, b"0123456789"),
        rand(49, 64, HEX)
    );
    assert_only(&app, "slack_token", &app);
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        rand(50, 8, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        rand(51, 10, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        rand(52, 24, ALNUM)
    );
    assert_only(&format!("curl -X POST {hook} -d @msg.json"), "slack_webhook", &hook);
    let workflow = format!("hooks.slack.com/workflows/T01/A02/{}/{}", rand(53, 9, b"0123456789"), rand(54, 24, ALNUM));
    assert_only(&workflow, "slack_webhook", &workflow);
    assert_none("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
    assert_none("xoxo, see you");
    assert_none("xoxb-not-a-token");
}

#[test]
fn stripe_keys_but_not_publishable_ones() {
    for prefix in ["sk_live_", "sk_test_", "rk_live_", "rk_test_"] {
        let t = format!("{prefix}{}", rand(60, 24, ALNUM));
        assert_only(&format!("stripe.api_key = \"{t}\""), "stripe_secret_key", &t);
    }
    assert_none(&format!("pk_live_{}", rand(61, 24, ALNUM)));
    assert_none(&format!("data-key=\"pk_test_{}\"", rand(62, 24, ALNUM)));
    assert_none("sk_live_short");
}

#[test]
fn google_credentials() {
    let key = format!("AIza{}", rand(70, 35, URLSAFE));
    assert_only(&format!("https://maps.googleapis.com/maps/api/geocode/json?key={key}"), "google_api_key", &key);
    assert_none(&format!("AIza{}", rand(71, 30, URLSAFE)));
    let secret = format!("GOCSPX-{}", rand(72, 28, URLSAFE));
    assert_only(&format!("client_secret={secret}"), "google_oauth_client_secret", &secret);
    let refresh = format!("1//0{}", rand(73, 100, URLSAFE));
    assert_only(&format!("refresh_token: {refresh}"), "google_refresh_token", &refresh);
    assert_none("see http://1//0/path and 1//0 notes");
}

#[test]
fn openai_and_anthropic_keys() {
    let proj = format!("sk-proj-{}", rand(80, 120, URLSAFE));
    assert_only(&format!("OPENAI_API_KEY={proj}"), "openai_api_key", &proj);
    let legacy = format!("sk-{}T3BlbkFJ{}", rand(81, 20, ALNUM), rand(82, 20, ALNUM));
    assert_only(&format!("openai.api_key = '{legacy}'"), "openai_api_key", &legacy);
    let plain = format!("sk-{}", rand(83, 48, ALNUM));
    assert_only(&plain, "openai_api_key", &plain);
    let ant = format!("sk-ant-api03-{}AA", rand(84, 93, URLSAFE));
    assert_only(&format!("x-api-key: {ant}"), "anthropic_api_key", &ant);
    let admin = format!("sk-ant-admin01-{}AA", rand(85, 93, URLSAFE));
    assert_only(&admin, "anthropic_api_key", &admin);
    assert_none("pip install scikit-learn; import sk-learn; see task-list and disk-usage");
    assert_none("sk-this-is-a-very-long-hyphenated-slug-made-of-words");
    assert_none("sk-ant-api03-short");
}

#[test]
fn twilio_api_keys_but_not_account_sids() {
    let key = format!("SK{}", rand(90, 32, HEX));
    assert_only(&format!("TWILIO_API_KEY={key}"), "twilio_api_key", &key);
    assert_none(&format!("TWILIO_ACCOUNT_SID=AC{}", rand(91, 32, HEX)));
    assert_none(&format!("ASK{}", rand(92, 32, HEX)));
}

#[test]
fn twilio_account_sid_with_its_auth_token() {
    let pair = format!("AC{}:{}", rand(93, 32, HEX), rand(94, 32, HEX));
    assert_only(&format!("auth {pair} end"), "twilio_auth_token", &pair);
    // A sid followed by something else, or a pair glued into a longer word, is not the pair.
    assert_none(&format!("AC{}:not-a-token", rand(95, 32, HEX)));
    assert_none(&format!("XAC{}:{}", rand(96, 32, HEX), rand(97, 32, HEX)));
}

// ---- JWT ----

fn jwt_with(header: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(header),
        b64url(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#),
        rand(100, 43, URLSAFE)
    )
}

#[test]
fn json_web_tokens() {
    let t = jwt_with(r#"{"alg":"HS256","typ":"JWT"}"#);
    assert!(t.starts_with("eyJ"));
    assert_only(&format!("Authorization: Bearer {t}"), "jwt", &t);
    assert_only(&format!("access_token={t}&x=1"), "jwt", &t);
    let spaced = jwt_with(r#"{ "typ": "JWT", "alg": "RS256" }"#);
    assert_only(&spaced, "jwt", &spaced);
    let multiline = jwt_with("{\n  \"alg\": \"RS256\"\n}");
    assert!(multiline.starts_with("ewog"));
    assert_only(&multiline, "jwt", &multiline);
    // Unsigned tokens are still bearer credentials.
    let unsigned = format!("{}.{}.", b64url(r#"{"alg":"none"}"#), b64url(r#"{"sub":"admin"}"#));
    assert_only(&unsigned, "jwt", &unsigned);
}

#[test]
fn jwt_lookalikes() {
    assert_none(&jwt_with(r#"{"typ":"JWT","kid":"x"}"#));
    let mapbox = format!("pk.{}.{}", b64url(r#"{"u":"exampleuser","a":"ckexample000"}"#), rand(101, 22, URLSAFE));
    assert!(mapbox.starts_with("pk.eyJ"));
    assert_none(&mapbox);
    assert_none(&format!("access_token={mapbox}"));
    assert_none(&format!("https://api.mapbox.com/styles/v1/x?access_token={mapbox}"));
    assert_none("eyJhbGciOi.eyJzdWIi.sig");
}

// ---- URL passwords ----

#[test]
fn passwords_in_urls() {
    assert_only("postgres://app:s3cret@db:5432/x", "url_password", "s3cret");
    assert_only("DATABASE_URL=postgresql://billing:Vv9#kq2Lr@db.internal:5432/billing", "url_password", "Vv9#kq2Lr");
    assert_only("mongodb+srv://u:Pa55w0rd@cluster0.abcde.mongodb.net/db", "url_password", "Pa55w0rd");
    assert_only("jdbc:mysql://root:hunter2@localhost:3306/db", "url_password", "hunter2");
    assert_only("redis://:r3d1sPass@cache:6379/0", "url_password", "r3d1sPass");
    assert_only("amqps://guest:g0away!@mq.example.com", "url_password", "g0away!");
    assert_only("git clone https://oauth2:Zx9w8v7u6t5s@gitlab.example.com/g/r.git", "url_password", "Zx9w8v7u6t5s");
}

#[test]
fn url_password_stand_ins() {
    for text in [
        "postgres://app:${DB_PASSWORD}@db/x",
        "postgres://app:$DB_PASSWORD@db/x",
        "postgres://app:<password>@db/x",
        "postgres://app:{{ db_password }}@db/x",
        "postgres://app:***@db/x",
        "postgres://app:password@db/x",
        "postgres://app:xxx@db/x",
        "postgres://app:changeme@db/x",
        "mysql://app:@db/x",
        "mysql://app@db/x",
        "https://github.com/acme/app",
        "ssh://git@github.com/acme/app.git",
        "https://example.com/a:b@c",
        "https://example.com?next=a:b@c",
        "https://example.com#x:y@z",
    ] {
        assert_none(text);
    }
}

// ---- Generic credential fields ----

#[test]
fn credential_fields() {
    assert_only("password=Tr0ub4dor&3", "generic_secret", "Tr0ub4dor");
    assert_only(r#"{"client_secret": "Zq8vN2kLp0Xw3Rt7"}"#, "generic_secret", "Zq8vN2kLp0Xw3Rt7");
    assert_only(r#"{"password":"Sup3rS3cret"}"#, "generic_secret", "Sup3rS3cret");
    assert_only("export DB_PASSWORD='Vv9#kq2Lr!x'", "generic_secret", "Vv9#kq2Lr!x");
    assert_only("mytool --token Xk92jfLq0PzR8sWm --verbose", "generic_secret", "Xk92jfLq0PzR8sWm");
    assert_only(
        "curl -H 'Authorization: Bearer abcDEF123ghiJKL456mno' https://x",
        "generic_secret",
        "abcDEF123ghiJKL456mno",
    );
    assert_only("<password>Sup3rS3cret!</password>", "generic_secret", "Sup3rS3cret!");
    assert_only("apiKey: 'q9X2mV7bN4kL8pR1'", "generic_secret", "q9X2mV7bN4kL8pR1");
    assert_only("X-API-Key: 7fQ2pL9xW4mZ8rT1", "generic_secret", "7fQ2pL9xW4mZ8rT1");
    assert_only("spring.datasource.password=Qw3rTy!9zX", "generic_secret", "Qw3rTy!9zX");
    assert_only("password2 := Pa55-w0rd-2024", "generic_secret", "Pa55-w0rd-2024");
    assert_only("$auth_token => 'k2J8sL0qP5vX3nM7'", "generic_secret", "k2J8sL0qP5vX3nM7");
    assert_only("passphrase: violet-anchor-47-tundra", "generic_secret", "violet-anchor-47-tundra");
    // Lowercase words alone are too predictable to tell from an ordinary value.
    assert_none("passphrase: correcthorsebatterystaple");
}

#[test]
fn credentials_in_prose() {
    assert_only("db pass for prod is Tr!ck3y-2024", "generic_secret", "Tr!ck3y-2024");
    assert_only("The admin password is `Summer-2024`.", "generic_secret", "Summer-2024");
    assert_only("the password for the admin account is: Xy7!kQ2p", "generic_secret", "Xy7!kQ2p");
}

#[test]
fn generic_fields_that_are_not_secrets() {
    for text in [
        "password_reset=true",
        "token=",
        "token= ",
        "api_key: ${API_KEY}",
        "password: <redacted>",
        "token_type=bearer",
        r#"{"token_type": "Bearer", "expires_in": 3600}"#,
        "secret=***",
        "password: ********",
        r#""password_hash": "$2b$12$KIXQJ4Vv9bZlqUeBzWx5Oe3nE6h9wJX1rY2pQ7sT8uV0aB4cD5eF6""#,
        "token=123e4567-e89b-12d3-a456-426614174000",
        "secret=9fceb02d0ae598e95dc970b74767f19372d61af8",
        "token: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "reset your password in settings",
        "the token expired",
        "your password is incorrect",
        "the secret is Kubernetes-managed",
        "the token is v2-compatible",
        "password: changeme",
        "password: changeme123",
        "password = os.environ['DB_PASSWORD']",
        "password = getpass()",
        "token = self.token",
        "token = settings.GITHUB_TOKEN",
        "PWD=/home/user/projects",
        "cd $(pwd)/build",
        "max_tokens=4096",
        "next_page_token=CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA2",
        "csrf_token=Wq8vN2kLp0Xw3Rt7Zq8vN2kLp0Xw3Rt7",
        "password: hunter2",
        "GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/gcp.json",
        "secretName: db-credentials-prod",
        "api_key: Option<String>",
        "password: String,",
        "if password == \"Sup3rS3cret\"",
        "token: 1718000000000123",
        "password: abcdefghij",
        "password: ENC[AES256_GCM,data:Zq8vN2kL,iv:abc,tag:def,type:str]",
        "bypass=Zq8vN2kLp0Xw3Rt7",
        "Bearer token required",
    ] {
        assert_none(text);
    }
}

#[test]
fn generic_hits_yield_to_specific_kinds() {
    let gh = format!("ghp_{}", rand(110, 36, ALNUM));
    assert_only(&format!("token={gh}"), "github_token", &gh);
    assert_only(&format!("{{\"api_key\": \"{gh}\"}}"), "github_token", &gh);
    let t = jwt_with(r#"{"alg":"HS256"}"#);
    assert_only(&format!("id_token={t}"), "jwt", &t);
}

// ---- Personal data ----

#[test]
fn credit_cards() {
    for card in [
        "4111111111111111",
        "378282246310005",
        "6011859619175485",
        "5398541563177247",
        "30569309025904",
        "3530111333300000",
        "2221000000000009",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "3782 822463 10005",
        "4111.1111.1111.1111", // dotted to slip past a filter: still a card's grouping
    ] {
        assert_only(&format!("card: {card}, exp 12/29"), "credit_card", card);
    }
    assert_only("pay with 4111111111111111 123", "credit_card", "4111111111111111");
    assert_only("4111 1111 1111 1111 123", "credit_card", "4111 1111 1111 1111");
}

#[test]
fn card_lookalikes() {
    for text in [
        "5105105105105101",    // fails Luhn
        "4111111111111112",    // fails Luhn
        "4111 1111 1111 1112", // fails Luhn
        "1234567812345670",    // Luhn-valid, no issuer starts with 1
        "94111111111111111",   // longer run
        "id4111111111111111",  // glued to a word
        "4111111111111111abc", // glued to a word
        "0.4111111111111111",  // a decimal
        "12-4111111111111111", // tail of a longer run
        "ts=1718000000000",    // epoch millis
        "ts=1718000000000000", // epoch micros
        "41111 11111 11111 1", // not a card layout
        "4111.1111.1111.1112", // dotted, fails Luhn
        "4111.1111.1111",      // dotted, too short for a card
    ] {
        assert_no_kind(text, "credit_card");
    }
}

#[test]
fn social_security_numbers() {
    assert_only("ssn 536-22-5483", "us_ssn", "536-22-5483");
    assert_only("536 22 5483", "us_ssn", "536 22 5483");
    assert_only("SSN: 536225483", "us_ssn", "536225483");
    assert_only("Social Security Number 536225483.", "us_ssn", "536225483");
    for text in [
        "536225483",
        "078-05-1120",
        "123-45-6789",
        "219-09-9999",
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "536-00-5483",
        "536-22-0000",
        "111-11-1111",
        "ssn: 12345678901",
        "x536-22-5483",
        "assn 536225483",
    ] {
        assert_none(text);
    }
}

#[test]
fn ibans() {
    for iban in [
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "DE89 3704 0044 0532 0130 00",
    ] {
        assert_only(&format!("IBAN: {iban}."), "iban", iban);
    }
    assert_none("GB82WEST12345698765433"); // bad check digits
    assert_none("XX82WEST12345698765432"); // unknown country
    assert_none("DE8937040044053201300"); // too short
    assert_none("DE893704004405320130001"); // too long
    assert_none("xDE89370400440532013000");
}

#[test]
fn email_addresses() {
    assert_only("contact john.doe+billing@example.com now", "email", "john.doe+billing@example.com");
    assert_eq!(found("a@example.org, b@example.org; c@mail.example.co.uk.").len(), 3);
    assert_only("git@github.com:acme/app.git", "email", "git@github.com");
    assert_only("mailto:ann@example.net", "email", "ann@example.net");
    assert_only("https://x.example/u?email=joe@example.com", "email", "joe@example.com");
    for text in [
        "user@host",
        "icon@2x.png",
        "logo@3X.webp",
        "nginx@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "lodash@4.17.21",
        "npm i @scope/pkg",
        "@Override",
        "a@b.c",
        "x@-bad.com",
        "postgres://app:s3cret@db.example.com/x",
        "ftp://anonymous@ftp.example.com/pub",
    ] {
        assert_no_kind(text, "email");
    }
}

#[test]
fn phone_numbers() {
    for phone in [
        "+1-555-0147",
        "+1 (555) 010-0199",
        "+15550100",
        "+44 20 7946 0958",
        "(555) 010-0199",
        "555-010-0199",
        "1-800-555-0199",
        "555.010.0199",
    ] {
        assert_only(&format!("call {phone} today"), "phone", phone);
    }
    for text in [
        "order ORD-20240115555010019912",
        "ref 5550100199884411",
        "+1 555 0100 1234 5678 9999",
        "2024-01-15T10:00:00+05:30",
        "2024-01-15T10:00:00+0000",
        "version 1.2.3",
        "+1.2.3.4.5.6.7",
        "1+2345678",
        "a+15550100",
        "123-456-7890",
        "2024-01-15",
        "10.0.0.1",
        "192.168.100.200",
    ] {
        assert_no_kind(text, "phone");
    }
}

#[test]
fn lists_report_one_hit_per_item() {
    let phones =
        "+44 20 7946 0958\n+44 20 7946 0959\n+33 1 99 00 12 34\n+49 30 901820 55\n+1 (555) 010-7788\n+61 2 5550 1234\n";
    let hits = found(phones);
    assert_eq!(hits.len(), 6, "{hits:?}");
    assert!(hits.iter().all(|(k, _)| *k == "phone"));
    let csv = "email\nzoe.banks@example.org\nleo.grant@example.org\nivy.moss@example.org\nkai.fox@example.org\n";
    assert_eq!(found(csv).len(), 4);
    let ibans = "name,iban\nNoah Reed,NL91ABNA0417164300\nLiam Ward,ES9121000418450200051332\nEmma Cole,IT60X0542811101000000123456\n";
    assert_eq!(found(ibans).iter().filter(|(k, _)| *k == "iban").count(), 3, "{:?}", found(ibans));
}

#[test]
fn token_as_url_password() {
    let gh = format!("ghp_{}", rand(140, 36, ALNUM));
    let url = format!("https://ci:{gh}@webhook.site/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e");
    assert_eq!(found(&url), vec![("github_token", gh.clone()), ("url_password", gh)]);
}

// ---- Things that must not fire at all ----

#[test]
fn ordinary_data_is_not_secret_or_pii() {
    let gif = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
    let mut pdf_bytes =
        b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\nstream\n".to_vec();
    pdf_bytes.extend(rand_bytes(120, 3000));
    let pdf = base64(&pdf_bytes, STD64, true);
    assert!(pdf.starts_with("JVBERi0xLjQK"));
    let png = base64(&[b"\x89PNG\r\n\x1a\n".as_slice(), &rand_bytes(121, 2000)].concat(), STD64, true);
    for text in [
        "123e4567-e89b-12d3-a456-426614174000",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "image: nginx@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        gif,
        &format!("data:image/gif;base64,{gif}"),
        &pdf,
        &format!("{{\"file\": \"{pdf}\"}}"),
        &format!("data:image/png;base64,{png}"),
        "created 1718000000000, updated 2024-01-15T10:00:00Z, v1.24.3",
        "reset your password in settings",
        "the token expired; request a new token from the admin",
        "SELECT * FROM users WHERE email = $1 AND password_hash = $2",
        "pip install requests==2.31.0 numpy>=1.26",
        "AKIA is the prefix of AWS access keys",
        "the framework's network layer retries; ask the task runner",
    ] {
        assert_none(text);
    }
}

// ---- mask ----

#[test]
fn masks_keep_a_short_known_prefix() {
    let gh = format!("ghp_{}", rand(130, 36, ALNUM));
    assert_eq!(mask(&gh), "ghp_***");
    assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA***");
    let sk = format!("sk_live_{}", rand(131, 24, ALNUM));
    assert_eq!(mask(&sk), "sk_live_***");
    // Never more than a quarter.
    assert_eq!(mask("sk_live_abcdefghij"), "sk_l***");
    assert_eq!(mask("Tr!ck3y-2024"), "***");
    assert_eq!(mask(""), "***");
    assert_eq!(mask("é"), "***");
    for s in [gh.as_str(), sk.as_str(), "AKIAIOSFODNN7EXAMPLE", "hunter22"] {
        let kept = mask(s).len() - 3;
        assert!(kept * 4 <= s.len(), "{s}");
    }
}

// ---- Robustness ----

#[test]
fn adversarial_repetitions_stay_fast() {
    // Quadratic behaviour would take minutes here (the clock is banned in this crate, so the
    // test's own run time is the measure).
    let n = 20_000;
    for unit in [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n",
        "-----BEGIN RSA PRIVATE KEY-----",
        "eyJhbGciOiJIUzI1NiJ9.",
        "eyJ",
        "@",
        "a@",
        "password=",
        "pass",
        "://",
        "a://b:c",
        "4111 ",
        "+1 ",
        "1-",
        "DE89 ",
        "SK0",
        "sk-",
        "AKIA",
        "AKIAIOSFODNN7EXAMPLE ",
        "xoxb-1-",
        "ssn ",
    ] {
        let text = unit.repeat(n / unit.len() + 1);
        let mut hits = Vec::new();
        scan(&text, &mut hits);
        assert!(hits.len() <= text.len(), "{unit:?}");
    }
}

const FRAGMENTS: &[&str] = &[
    "AKIA",
    "IOSFODNN7EXAMPLE",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "\n",
    "\\n",
    "MIIEpAIBAAKCAQEA",
    "ghp_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "1234567890",
    "hooks.slack.com/services/",
    "sk_live_",
    "pk.",
    "AIza",
    "GOCSPX-",
    "1//0",
    "sk-",
    "sk-ant-api03-",
    "T3BlbkFJ",
    "SK",
    "0123456789abcdef",
    "eyJ",
    "eyJhbGciOiJIUzI1NiJ9",
    ".",
    "://",
    "postgres",
    ":",
    "@",
    "password",
    "token",
    "=",
    "\"",
    "'",
    " is ",
    " ",
    "+1",
    "(555)",
    "-",
    "4111",
    "5483",
    "536",
    "DE89",
    "GB82 WEST",
    "é",
    "日本",
    "🦀",
    "$",
    "{{",
    "<",
    ">",
    "ssn",
    "Bearer ",
    "example.com",
    "abcdefghijklmnopqrstuvwxyzABCDEF",
    "==",
    "/",
    "_",
];

fn check_hits(text: &str) -> Result<(), TestCaseError> {
    let mut hits = Vec::new();
    scan(text, &mut hits);
    let mut last = 0;
    for h in &hits {
        prop_assert!(h.span.start < h.span.end && h.span.end <= text.len(), "{:?} in {:?}", h, text);
        prop_assert!(text.is_char_boundary(h.span.start) && text.is_char_boundary(h.span.end), "{:?}", h);
        prop_assert!(h.span.start >= last, "out of order: {:?}", hits);
        last = h.span.start;
        let _ = mask(&text[h.span.range()]);
    }
    Ok(())
}

proptest! {
    #[test]
    fn scan_never_panics_on_any_text(text in any::<String>()) {
        check_hits(&text)?;
    }

    #[test]
    fn scan_never_panics_on_pattern_fragments(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40)) {
        check_hits(&parts.concat())?;
    }

    #[test]
    fn mask_never_reveals_more_than_a_quarter(s in any::<String>()) {
        let m = mask(&s);
        prop_assert!(m.ends_with("***"));
        prop_assert!((m.len() - 3) * 4 <= s.len());
    }
}

#[test]
fn vendor_tokens_with_fixed_prefixes() {
    for (text, id, value) in [
        (
            "SENDGRID_API_KEY=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",
            "sendgrid_api_key",
            "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",
        ),
        ("//registry.npmjs.org/:_authToken=npm_WJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy", "npm_token", "npm_WJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy"),
        ("HF_TOKEN: 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", "huggingface_token", "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"),
        (
            "doctl auth init -t dop_v1_74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a8f5",
            "digitalocean_token",
            "dop_v1_74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a8f5",
        ),
        ("X-Shopify-Access-Token: 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", "shopify_token", "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"),
        ("VAULT_TOKEN=hvs.ogoEmvnEN5N1aE6PwZPf1Qh6yYTWmE4lBYOvfZ8UzDzV8fU", "vault_token", "hvs.ogoEmvnEN5N1aE6PwZPf1Qh6yYTWmE4lBYOvfZ8UzDzV8fU"),
        ("databricks token dapi7a8d41bed440e50454f31af3176813e0", "databricks_token", "dapi7a8d41bed440e50454f31af3176813e0"),
        ("LINEAR=lin_api_W56eCuNGMGmSrCGIZEG8pSH4487q7J58m1CiAhzC", "linear_api_key", "lin_api_W56eCuNGMGmSrCGIZEG8pSH4487q7J58m1CiAhzC"),
        ("glsa_ueQpBenQtYh5Xj8TPQxjq4i9DoV8gz4F_575dcad6", "grafana_token", "glsa_ueQpBenQtYh5Xj8TPQxjq4i9DoV8gz4F_575dcad6"),
        ("key NRAK-WUFXBV932BYV7S6EHOGFQRCLRI1 here", "new_relic_key", "NRAK-WUFXBV932BYV7S6EHOGFQRCLRI1"),
        (
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=HZt/PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5n3/YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQ==;EndpointSuffix=core.windows.net",
            "azure_storage_key",
            "AccountKey=HZt/PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5n3/YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQ==",
        ),
    ] {
        assert_finds(text, id, value);
    }
}

#[test]
fn vendor_prefixes_in_ordinary_words_do_not_fire() {
    assert_none("msg.send(npm_config, hf_model) // see dapi docs, sg.cfg");
    assert_none("npm_WJKY is short; hf_Qw too; dop_v1_abc");
    assert_none("SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}
