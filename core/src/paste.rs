//! Credentials pasted from the AWS CLI, SSO portals and Cognito, recognised and split into fields.
