//! Path templates: `/v1/customers/{customerId}/orders`, checked segment by segment.

/// The parameter names of a template, in order, or what is wrong with it.
pub fn parse(template: &str) -> Result<Vec<String>, String> {
    if !template.starts_with('/') {
        return Err(format!("a path must start with `/`; write `/{template}`"));
    }
    if template.len() > 1 && template.ends_with('/') {
        return Err("a path must not end with `/`; remove the trailing slash".into());
    }
    if template.contains('?') || template.contains('#') {
        return Err(
            "a path template holds the path only; declare query parameters with `Query<T>`".into(),
        );
    }
    let mut params: Vec<String> = Vec::new();
    for segment in template.split('/').skip(1) {
        if segment.is_empty() && template != "/" {
            return Err("the path has an empty segment (`//`); remove one `/`".into());
        }
        let opens = segment.matches('{').count();
        let closes = segment.matches('}').count();
        if opens == 0 && closes == 0 {
            continue;
        }
        if opens != closes {
            return Err(format!(
                "the segment `{segment}` has unbalanced braces; a parameter is written `{{name}}`"
            ));
        }
        if !(segment.starts_with('{') && segment.ends_with('}') && opens == 1) {
            return Err(format!(
                "the segment `{segment}` mixes a parameter with text; a parameter must be a whole segment, such as `/{{name}}`"
            ));
        }
        let name = &segment[1..segment.len() - 1];
        if name.is_empty() {
            return Err("a parameter needs a name: write `{name}`, not `{}`".into());
        }
        if name.starts_with('*') {
            return Err(format!("wildcard parameters (`{{{name}}}`) cannot be described in OpenAPI; use a named parameter"));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            return Err(format!(
                "the parameter name `{name}` may use only letters, digits, `_`, `-` and `.`"
            ));
        }
        if params.iter().any(|p| p == name) {
            return Err(format!(
                "the parameter `{{{name}}}` appears twice; each parameter must have its own name"
            ));
        }
        params.push(name.to_owned());
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn good_templates() {
        assert_eq!(parse("/").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse("/v1/customers/{customerId}/orders/{orderId}").unwrap(),
            ["customerId", "orderId"]
        );
    }

    #[test]
    fn bad_templates() {
        for t in [
            "v1", "/a/", "/a//b", "/{a", "/a}", "/{}", "/x{a}", "/{a}/{a}", "/{*rest}", "/{a b}",
            "/a?b=1",
        ] {
            assert!(parse(t).is_err(), "{t}");
        }
    }
}
