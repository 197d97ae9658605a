//! The sample AWS account every sample resource lives in, and its resources' ARNs: the one piece
//! the task, campaign, link and write modules all name, kept apart so that none of them needs
//! another for it.

pub const ACCOUNT: &str = "123456789012";

/// The ARN of a resource of the sample account, as IoT Wireless writes them:
/// `arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/<id>` (or `MulticastGroup/`,
/// `WirelessDevice/`, `WirelessGateway/`). Every ARN the endpoint answers comes from here, so that
/// TagResource finds a resource by the ARN another answer gave.
pub fn arn(region: &str, resource_type: &str, id: &str) -> String {
    format!("arn:aws:iotwireless:{region}:{ACCOUNT}:{resource_type}/{id}")
}

/// What an IoT Wireless ARN of the sample account names: its region, resource type and id. None
/// when it is not one (another partition, service or account, or not an ARN at all).
pub fn parse_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iotwireless:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, resource) = rest.split_once(':')?;
    let (resource_type, id) = resource.split_once('/')?;
    let named = !region.is_empty() && account == ACCOUNT && !resource_type.is_empty() && !id.is_empty();
    named.then_some((region, resource_type, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_reads_back_as_what_it_names() {
        let task = arn("eu-west-1", "FuotaTask", "a/b");
        assert_eq!(task, "arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/a/b");
        assert_eq!(parse_arn(&task), Some(("eu-west-1", "FuotaTask", "a/b")), "an id may hold a /");
        for other in [
            "arn:aws:iotwireless:eu-west-1:210987654321:FuotaTask/x",
            "arn:aws-cn:iotwireless:cn-north-1:123456789012:FuotaTask/x",
            "arn:aws:iot:eu-west-1:123456789012:thing/x",
            "arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/",
            "arn:aws:iotwireless::123456789012:FuotaTask/x",
            "FuotaTask/x",
        ] {
            assert_eq!(parse_arn(other), None, "{other}");
        }
    }
}
