// A type's name is a component's name, or part of one when it instantiates a generic type; a
// tagged enum's variants name components too.
#[derive(serde::Serialize, ringback::Schema)]
struct Größe {
    value: u32,
}

#[derive(serde::Serialize, ringback::Schema)]
#[serde(tag = "type")]
enum Event {
    Créé { id: u32 },
}

// Renamed, or written inline, neither is refused.
#[derive(serde::Serialize, ringback::Schema)]
#[schema(rename = "Size")]
struct Maß {
    value: u32,
}

#[derive(serde::Serialize, ringback::Schema)]
#[serde(tag = "type")]
#[schema(inline)]
enum Change {
    Gelöscht,
}

fn main() {}
