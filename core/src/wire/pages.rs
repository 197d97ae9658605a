//! Following `NextToken` to the end of a list. botocore ships no paginator for IoT Wireless, so
//! the console walks the pages itself, the way the SDKs' paginators do: a page may hold fewer
//! items than asked for (even none) and still name a next page; an absent or empty token ends
//! the list; a token the service already gave would loop forever, so it is an error. A list that
//! names a new token every time would never end either: every list stops at [`MAX_PAGES`] pages
//! or [`MAX_ITEMS`] items with `ListTooLong`, keeping what was read (the largest real list, a task
//! of 10,000 devices, is 41 pages).

use serde_json::Value;

use crate::wire::error::ConsoleError;
use crate::wire::operation::Operation;
use crate::wire::request::PageRequest;

/// The most pages of one list the console reads.
pub const MAX_PAGES: u32 = 1_000;
/// The most items of one list the console keeps.
pub const MAX_ITEMS: usize = 100_000;

/// One page of a list operation: its items, and the token of the next page, if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// Reads a page whose items are in the member `list`, each with `item`; the error names the
    /// item that was wrong (`WirelessDeviceList[3]: …`).
    pub fn from_value(value: Value, list: &str, item: impl Fn(Value) -> Result<T, String>) -> Result<Self, String> {
        let Value::Object(mut members) = value else { return Err("the answer is not a JSON object".to_owned()) };
        let next_token = match members.remove("NextToken") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(t),
            Some(other) => return Err(format!("NextToken is not a string: {:.64}", other.to_string())),
        };
        let items = match members.remove(list) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.into_iter().enumerate().map(|(i, v)| item(v).map_err(|e| format!("{list}[{i}]: {e}"))).collect::<Result<_, _>>()?
            }
            Some(_) => return Err(format!("{list} is not a list")),
        };
        Ok(Self { items, next_token })
    }
}

/// Where a walk through the pages of one list stands.
#[derive(Clone, Debug)]
pub struct PageCursor {
    operation: Operation,
    next: Option<String>,
    /// Every token given so far, to tell a loop from a long list.
    seen: std::collections::HashSet<String>,
    pages_read: u32,
    items_read: usize,
    done: bool,
    max_pages: u32,
}

impl PageCursor {
    pub fn new(operation: Operation) -> Self {
        Self::with_cap(operation, MAX_PAGES)
    }

    /// A walk that stops after `max_pages` pages (at most [`MAX_PAGES`]): a smaller cap lets a test
    /// reach it quickly.
    pub fn with_cap(operation: Operation, max_pages: u32) -> Self {
        Self { operation, next: None, seen: Default::default(), pages_read: 0, items_read: 0, done: false, max_pages: max_pages.clamp(1, MAX_PAGES) }
    }

    /// The page to ask for next, or None once the list has been read to the end.
    pub fn next_page(&self) -> Option<PageRequest> {
        if self.done {
            return None;
        }
        Some(match &self.next {
            Some(token) => PageRequest::after(token),
            None => PageRequest::first(),
        })
    }

    pub fn pages_read(&self) -> u32 {
        self.pages_read
    }

    #[cfg(test)]
    fn is_done(&self) -> bool {
        self.done
    }

    /// Records a page of `items` items that was read and the token it named.
    pub fn advance(&mut self, next_token: Option<&str>, items: usize) -> Result<(), ConsoleError> {
        self.pages_read = self.pages_read.saturating_add(1);
        self.items_read = self.items_read.saturating_add(items);
        match next_token.filter(|t| !t.is_empty()) {
            None => {
                self.done = true;
                self.next = None;
                Ok(())
            }
            Some(token) if self.seen.contains(token) => {
                self.done = true;
                Err(ConsoleError::PageLoop { operation: self.operation, pages_read: self.pages_read })
            }
            Some(_) if self.pages_read >= self.max_pages || self.items_read >= MAX_ITEMS => {
                self.done = true;
                Err(ConsoleError::ListTooLong { operation: self.operation, pages_read: self.pages_read, items_read: self.items_read })
            }
            Some(token) => {
                self.seen.insert(token.to_owned());
                self.next = Some(token.to_owned());
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn short_and_empty_pages_go_on_until_the_token_ends() {
        let mut cursor = PageCursor::new(Operation::ListFuotaTasks);
        assert_eq!(cursor.next_page(), Some(PageRequest::first()));
        cursor.advance(Some("a"), 3).unwrap();
        assert_eq!(cursor.next_page(), Some(PageRequest::after("a")));
        cursor.advance(Some("b"), 0).unwrap();
        cursor.advance(Some(""), 1).unwrap();
        assert!(cursor.is_done());
        assert_eq!(cursor.next_page(), None);
        assert_eq!(cursor.pages_read(), 3);
    }

    #[test]
    fn a_repeated_token_is_an_error_not_a_loop() {
        let mut cursor = PageCursor::new(Operation::ListWirelessDevices);
        cursor.advance(Some("a"), 1).unwrap();
        cursor.advance(Some("b"), 1).unwrap();
        let err = cursor.advance(Some("a"), 1).unwrap_err();
        assert_eq!(err.code(), "PaginationError");
        assert!(err.sentence().contains("ListWirelessDevices"));
        assert!(err.sentence().contains("3 pages"));
        assert_eq!(cursor.next_page(), None);
    }

    /// A list whose every page names a new token stops at the cap, keeping what it read.
    #[test]
    fn an_endless_list_stops_at_the_cap() {
        let mut cursor = PageCursor::new(Operation::ListWirelessDevices);
        let mut pages = 0;
        let err = loop {
            let Some(_) = cursor.next_page() else { panic!("ended without an error") };
            match cursor.advance(Some(&format!("token-{pages}")), 0) {
                Ok(()) => pages += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(err.code(), "ListTooLong");
        assert_eq!(cursor.pages_read(), MAX_PAGES);
        assert!(err.sentence().contains("keeps what it read"), "{}", err.sentence());
        let mut by_items = PageCursor::new(Operation::ListFuotaTasks);
        let mut n = 0;
        while by_items.advance(Some(&format!("t{n}")), 250).is_ok() {
            n += 1;
        }
        assert_eq!(by_items.pages_read() as usize, MAX_ITEMS / 250);
        // A long list that ends before the cap is read to its end.
        let mut long = PageCursor::new(Operation::ListWirelessDevices);
        for i in 0..41 {
            long.advance(Some(&format!("p{i}")), 250).unwrap();
        }
        long.advance(None, 10).unwrap();
        assert_eq!(long.next_page(), None);
    }

    #[test]
    fn a_page_names_the_wrong_item() {
        let value = json!({"Things": [{"N": 1}, {"N": "two"}], "NextToken": "x"});
        let read = |v: Value| v.get("N").and_then(Value::as_i64).ok_or_else(|| "N is not a number".to_owned());
        let err = Page::from_value(value, "Things", read).unwrap_err();
        assert_eq!(err, "Things[1]: N is not a number");
        let page = Page::from_value(json!({"Things": [{"N": 1}], "NextToken": null}), "Things", read).unwrap();
        assert_eq!(page, Page { items: vec![1], next_token: None });
        assert_eq!(Page::from_value(json!({}), "Things", read).unwrap().items, Vec::<i64>::new());
        assert!(Page::from_value(json!({"Things": {}}), "Things", read).is_err());
        assert!(Page::from_value(json!({"NextToken": 5}), "Things", read).is_err());
        assert!(Page::from_value(json!([]), "Things", read).is_err());
    }

    proptest! {
        /// Any sequence of tokens ends: at the first absent or empty one, or at the first repeat,
        /// and the cursor asks for exactly the tokens it was given, in order.
        #[test]
        fn any_token_sequence_ends(tokens in proptest::collection::vec(proptest::option::of("[a-c]{0,2}"), 1..40)) {
            let mut cursor = PageCursor::new(Operation::ListFuotaTasks);
            let mut asked = Vec::new();
            for token in &tokens {
                let Some(page) = cursor.next_page() else { break };
                asked.push(page.next_token.clone());
                if cursor.advance(token.as_deref(), 1).is_err() {
                    break;
                }
            }
            prop_assert!(cursor.is_done() || cursor.pages_read() as usize == tokens.len());
            prop_assert_eq!(asked[0].clone(), None);
            for (i, page_token) in asked.iter().enumerate().skip(1) {
                prop_assert_eq!(page_token, &tokens[i - 1]);
            }
            // At most one page per distinct token, plus the first.
            let distinct: std::collections::HashSet<_> = tokens.iter().flatten().collect();
            prop_assert!(cursor.pages_read() as usize <= distinct.len() + 1);
        }
    }
}
