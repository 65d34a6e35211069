//! The benchmark playing Orange's side of the API: the calls Orange makes to Fleetdesk (contract
//! sections 4 and 5), with an Orange credential.

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// The offer code the benchmark's offering is created with.
pub const OFFER_CODE: &str = "BENCH";

#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    secret: String,
}

/// An order Fleetdesk acknowledged.
pub struct Placed {
    pub order_id: String,
    pub customer_id: String,
}

fn reference(kind: &str) -> Value {
    json!({"type": "orange", "id": format!("BENCH-{kind}-{}", uuid::Uuid::now_v7().simple())})
}

fn licence_item(quantity: usize) -> Value {
    json!([{
        "id": "1",
        "action": "add",
        "productOffering": {"name": "Benchmark", "externalReference": {"type": "orange", "id": OFFER_CODE}},
        "productRef": {"userServiceQuantity": quantity}
    }])
}

impl Api {
    pub fn new(base: &str, secret: &str) -> anyhow::Result<Api> {
        Ok(Api {
            client: reqwest::Client::builder().build()?,
            base: format!("{base}/orange/v2"),
            secret: secret.to_owned(),
        })
    }

    /// POSTs `body`; the status and the JSON answer (`Null` when there is none).
    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .json(body)
            .send()
            .await
            .with_context(|| format!("failed to POST {path}"))?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .send()
            .await
            .with_context(|| format!("failed to GET {path}"))?;
        if !response.status().is_success() {
            bail!("GET {path} answered {}", response.status());
        }
        Ok(response.json().await?)
    }

    /// Creates a customer and orders `quantity` licences for it in the same call.
    pub async fn new_customer_with_licences(&self, quantity: usize) -> anyhow::Result<Placed> {
        let customer = reference("CUS");
        // Each its own name, different in its first 20 letters: new customers whose names begin
        // alike, ordered at the same moment, race for one login stem (retried, but not without
        // end), which is not what this benchmark measures.
        // The last 12 hex digits of a UUIDv7 are random.
        let id = uuid::Uuid::now_v7().simple().to_string();
        let name = format!("Client {} (benchmark)", &id[20..]);
        let body = json!({
            "externalReference": reference("ORD"),
            "customer": {"externalReference": customer, "name": name},
            "orderItem": licence_item(quantity),
        });
        let (status, answer) = self.post("/productOrder", &body).await?;
        if status != 201 {
            bail!("the order was answered {status}: {answer}");
        }
        let text = |pointer: &str| {
            answer
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .with_context(|| format!("the order's answer has no {pointer}: {answer}"))
        };
        Ok(Placed {
            order_id: text("/id")?,
            customer_id: text("/customer/id")?,
        })
    }

    /// Orders `quantity` more licences for a known customer; the answer's status.
    pub async fn order_licences(&self, customer_id: &str, quantity: usize) -> anyhow::Result<u16> {
        let body = json!({
            "externalReference": reference("ORD"),
            "customer": {"id": customer_id},
            "orderItem": licence_item(quantity),
        });
        Ok(self.post("/productOrder", &body).await?.0)
    }

    /// A `changeState` task over `licences`; the status and the task's id.
    pub async fn change_state(
        &self,
        licences: &[String],
        state: &str,
    ) -> anyhow::Result<(u16, Option<String>)> {
        let body = json!({
            "externalReference": reference("TSK"),
            "action": "changeState",
            "state": state,
            "userService": licences.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
        });
        let (status, answer) = self.post("/userServiceTask", &body).await?;
        let id = answer.get("id").and_then(Value::as_str).map(str::to_owned);
        Ok((status, id))
    }

    /// The licences of a completed order, read back as Orange can (`GET /productOrder/{id}`).
    pub async fn order_licence_ids(&self, order_id: &str) -> anyhow::Result<Vec<String>> {
        let order = self.get(&format!("/productOrder/{order_id}")).await?;
        let items = order
            .get("orderItem")
            .and_then(Value::as_array)
            .with_context(|| format!("order {order_id} has no items"))?;
        Ok(items
            .iter()
            .filter_map(|item| item.pointer("/productRef/userService"))
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|licence| licence.get("id").and_then(Value::as_str))
            .map(str::to_owned)
            .collect())
    }
}
