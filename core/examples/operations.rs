//! Prints the console's operation table as JSON, for checks outside Rust:
//! `cargo run -q -p fuota-core --example operations | python3 tests/vectors/check_operations.py`
//! compares it with botocore's service model (method, path, status, whether the answer has a body,
//! members, idempotency token).

use fuota_core::wire::operation::{Idempotency, TABLE};

fn main() {
    let rows: Vec<serde_json::Value> = TABLE
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.operation.name(),
                "method": s.method.as_str(),
                "path": s.path,
                "query": s.query,
                "body": s.body,
                "required": s.required,
                "success": s.success,
                "answers_json": s.answers_json,
                "idempotency_token": s.idempotency == Idempotency::TokenWrite,
                "iam_action": s.operation.iam_action(),
            })
        })
        .collect();
    println!("{}", serde_json::Value::from(rows));
}
