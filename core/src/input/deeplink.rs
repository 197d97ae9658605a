//! Deep links: `?region=&task-id=&endpoint=&relay=` pre-fill the form. Credentials never come from a URL.

/// What a link may pre-fill.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeepLink {
    pub region: Option<String>,
    pub task_id: Option<String>,
    pub endpoint: Option<String>,
    pub relay: Option<String>,
    /// `?demo`: fill the local endpoint's public demo identity.
    pub demo: bool,
    /// `?view=tasks`: open the task list.
    pub view_tasks: bool,
    /// `?refresh=SECONDS`: how often a live task is read again (see `live::refresh_seconds`).
    pub refresh: Option<String>,
}

impl DeepLink {
    /// Reads a query string (with or without its leading `?`). Unknown and credential-like keys are ignored.
    pub fn parse(search: &str) -> Self {
        let mut link = DeepLink::default();
        for (key, value) in form_urlencoded::parse(search.trim_start_matches('?').as_bytes()) {
            let value = value.trim().to_owned();
            match key.as_ref() {
                "region" if !value.is_empty() => link.region = Some(value),
                "task-id" if !value.is_empty() => link.task_id = Some(value),
                "endpoint" if !value.is_empty() => link.endpoint = Some(value),
                "relay" if !value.is_empty() => link.relay = Some(value),
                "demo" => link.demo = true,
                "view" => link.view_tasks = value == "tasks",
                "refresh" if !value.is_empty() => link.refresh = Some(value),
                _ => {}
            }
        }
        link
    }

    /// The query string of these values: the tests' way to check that a link reads back as written.
    #[cfg(test)]
    fn to_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("region", &self.region), ("task-id", &self.task_id), ("endpoint", &self.endpoint), ("relay", &self.relay)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_keys_and_ignores_secrets() {
        let l = DeepLink::parse("?region=eu-west-1&task-id=a%2Fb&endpoint=http%3A%2F%2F127.0.0.1%3A8081&secret-access-key=x");
        assert_eq!(l.region.as_deref(), Some("eu-west-1"));
        assert_eq!(l.task_id.as_deref(), Some("a/b"));
        assert_eq!(l.endpoint.as_deref(), Some("http://127.0.0.1:8081"));
        assert!(!l.demo);
        assert!(DeepLink::parse("demo").demo);
        let campaign = DeepLink::parse("?view=tasks&refresh=10");
        assert!(campaign.view_tasks);
        assert_eq!(campaign.refresh.as_deref(), Some("10"));
        assert!(!DeepLink::parse("?view=other").view_tasks);
    }

    #[test]
    fn round_trips() {
        let l = DeepLink { region: Some("us-east-1".into()), task_id: Some("x y/z".into()), relay: Some("https://r.example/".into()), ..Default::default() };
        assert_eq!(DeepLink::parse(&l.to_query()), l);
    }
}
