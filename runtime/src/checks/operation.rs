//! Compile-time checks of an operation's arguments against its method and path template.

use super::{object_of, ArgShape, ExtractorKind, Message};
use crate::case::{names_match, str_eq};
use crate::openapi::Method;

const fn list_params(mut m: Message, template: &[&str]) -> Message {
    if template.is_empty() {
        return m.push("no parameters");
    }
    let mut i = 0;
    while i < template.len() {
        if i > 0 {
            m = m.push(", ");
        }
        m = m.push("{").push(template[i]).push("}");
        i += 1;
    }
    m
}

/// Checks one handler argument against the operation's method and path template, and says
/// what is wrong with it, if anything.
pub const fn check_arg(
    method: Method,
    path: &str,
    template: &[&str],
    arg: ArgShape,
) -> Option<Message> {
    match arg.kind {
        ExtractorKind::Body => {
            if matches!(method, Method::Get | Method::Delete) {
                return Some(Message::new()
                    .push("argument `")
                    .push(arg.ident)
                    .push("` reads a request body, but a ")
                    .push(if matches!(method, Method::Get) { "GET" } else { "DELETE" })
                    .push(" request has none that servers may rely on; send the data as `Query<T>` parameters, or make the operation a POST or PUT"));
            }
        }
        ExtractorKind::Path => {
            match object_of(arg.shape) {
                Some(object) => {
                    let mut i = 0;
                    while i < object.fields.len() {
                        let name = object.fields[i].name;
                        let mut found = false;
                        let mut j = 0;
                        while j < template.len() {
                            if str_eq(template[j], name) {
                                found = true;
                            }
                            j += 1;
                        }
                        if !found {
                            return Some(list_params(
                            Message::new()
                                .push("`")
                                .push(object.name)
                                .push("` has the field `")
                                .push(name)
                                .push("`, which is not a parameter of the path template `")
                                .push(path)
                                .push("`; add `{")
                                .push(name)
                                .push("}` to the template or rename the field (the template has "),
                            template,
                        )
                        .push(")"));
                        }
                        i += 1;
                    }
                }
                None => {
                    let mut j = 0;
                    let mut found = false;
                    while j < template.len() {
                        if names_match(arg.ident, template[j]) {
                            found = true;
                        }
                        j += 1;
                    }
                    if !found {
                        return Some(list_params(
                        Message::new()
                            .push("argument `")
                            .push(arg.ident)
                            .push("` is a `Path`, but the path template `")
                            .push(path)
                            .push("` has no parameter of that name; name the argument after one of its parameters (")
                            ,
                        template,
                    )
                    .push(") or add `{")
                    .push_camel(arg.ident)
                    .push("}` to the template"));
                    }
                }
            }
        }
        _ => {}
    }
    None
}

/// Checks that every parameter of the path template is read by a `Path` argument, and names
/// the first that is not.
pub const fn check_template(path: &str, template: &[&str], args: &[ArgShape]) -> Option<Message> {
    let mut j = 0;
    while j < template.len() {
        let name = template[j];
        let mut read = false;
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            if matches!(arg.kind, ExtractorKind::Path) {
                match object_of(arg.shape) {
                    Some(object) => {
                        let mut f = 0;
                        while f < object.fields.len() {
                            if str_eq(object.fields[f].name, name) {
                                read = true;
                            }
                            f += 1;
                        }
                    }
                    None => {
                        if names_match(arg.ident, name) {
                            read = true;
                        }
                    }
                }
            }
            i += 1;
        }
        if !read {
            return Some(Message::new()
                .push("the path template `")
                .push(path)
                .push("` has the parameter `{")
                .push(name)
                .push("}`, but no argument reads it; add an argument `")
                .push_snake(name)
                .push(": Path<T>` (named after the parameter; case, `_` and `-` do not matter), or a `Path<T>` whose struct has the field `")
                .push(name)
                .push("`"));
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;

    const CUSTOMER_ID: ArgShape = ArgShape {
        ident: "customer_id",
        kind: ExtractorKind::Path,
        shape: <u64 as Schema>::SHAPE,
    };

    // What the macro emits: a check that passes is a constant `None`.
    const _: () = assert!(check_arg(
        Method::Get,
        "/customers/{customerId}",
        &["customerId"],
        CUSTOMER_ID
    )
    .is_none());

    #[test]
    fn a_path_argument_meets_its_parameter() {
        let template = &["customerId"];
        assert!(check_template("/customers/{customerId}", template, &[CUSTOMER_ID]).is_none());
        let unread = check_template("/customers/{customerId}", template, &[]).expect("unread");
        assert!(unread
            .as_str()
            .contains("add an argument `customer_id: Path<T>`"));
        let wrong =
            check_arg(Method::Get, "/c/{id}", &["id"], CUSTOMER_ID).expect("no {customerId}");
        assert_eq!(
            wrong.as_str(),
            "argument `customer_id` is a `Path`, but the path template `/c/{id}` has no parameter of that name; name the argument after one of its parameters ({id}) or add `{customerId}` to the template"
        );
    }
}
