//! The sample AWS account every sample resource lives in: the one piece the task, campaign, link
//! and write modules all name, kept apart so that none of them needs another for it.

pub const ACCOUNT: &str = "123456789012";
