//! Generated code names everything by absolute path, so it compiles in a module without the
//! prelude and where common names mean something else.

#![no_implicit_prelude]
#![allow(dead_code)]

mod hostile {
    // Shadow the names generated code might reach for unqualified.
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct String;
    pub struct Vec;
    pub struct Value;
    pub struct Schema;
    pub trait Into {}
}

mod user {
    #[allow(unused_imports)]
    use super::hostile::*;

    /// A recursive type with rules, read-only and write-only fields, flattening and maps.
    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    #[schema(rename = "HygieneOrder")]
    pub struct Order {
        #[schema(read_only)]
        pub id: ::std::option::Option<u64>,
        #[schema(min_length = 1, max_length = 8, pattern = "^[A-Z]+$", example = "ABC")]
        pub code: ::std::string::String,
        #[schema(minimum = 1, maximum = 10)]
        pub quantity: i32,
        #[schema(write_only, format = "email")]
        pub contact: ::std::option::Option<::std::string::String>,
        #[schema(min_items = 1)]
        pub children: ::std::vec::Vec<Order>,
        pub by_key: ::std::collections::BTreeMap<::std::string::String, Order>,
        #[serde(flatten)]
        pub extra: Extra,
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Extra {
        pub note: ::std::option::Option<::std::string::String>,
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Newtype(#[schema(minimum = 0)] i64);

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    pub enum Plain {
        A,
        B,
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(tag = "kind")]
    pub enum Tagged {
        One {
            #[schema(read_only)]
            id: ::std::option::Option<u32>,
        },
        Two(Extra),
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(tag = "t", content = "c")]
    pub enum Adjacent {
        Unit,
        Data {
            #[schema(write_only)]
            secret: ::std::option::Option<u8>,
        },
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    #[serde(untagged)]
    pub enum Untagged {
        Num(u8),
        Text(::std::string::String),
    }

    #[derive(::ringback::Schema, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Generic<T> {
        pub items: ::std::vec::Vec<T>,
    }

    /// A response enum, generic over its success body, with every kind of variant.
    #[derive(::ringback::ApiResponse)]
    pub enum Answer<T> {
        #[response(status = 200)]
        Found(T),
        #[response(status = 202)]
        Pending {
            #[response(header = "Retry-After")]
            retry_after: ::std::option::Option<u32>,
        },
        #[response(status = 409, description = "Conflict")]
        Conflict {
            body: ::ringback::Text,
            #[response(header = "X-Other")]
            other: ::std::string::String,
        },
        #[response(status = 304)]
        NotModified,
    }

    #[derive(::ringback::Schema)]
    pub struct Sized<const N: usize, T> {
        pub items: [T; N],
    }
}

#[test]
fn derives_compile_and_work_without_the_prelude() {
    let mut components = <::ringback::openapi::Components as ::core::default::Default>::default();
    <user::Order as ::ringback::Schema>::schema(&mut components);
    <user::Generic<user::Newtype> as ::ringback::Schema>::schema(&mut components);
    <user::Tagged as ::ringback::Schema>::schema(&mut components);
    ::std::assert!(components.get("HygieneOrder").is_some());
    ::std::assert!(components.get("Newtype").is_some());
    let mut responses = ::ringback::server::Responses::new();
    <user::Answer<user::Extra> as ::ringback::server::IntoApiResponse>::document(
        ::axum::http::StatusCode::OK,
        &mut responses,
        &mut components,
    );
    ::std::assert_eq!(responses.len(), 4);
    ::std::assert!(components.get("Generic_Newtype").is_some());
    ::std::assert!(components.get("Tagged_One").is_some());
    <user::Sized<2, u8> as ::ringback::Schema>::schema(&mut components);
    ::std::assert!(components.get("Sized_2_u8").is_some());
}
