//! The order book alone: both ways of keeping orders answer alike, and an order in the SQLite
//! file survives reopening it.

use ringback_examples::model::BeerOrder;
use ringback_examples::orders::{Inserted, OrderBook};
use uuid::Uuid;

fn order(reference: Option<&str>) -> BeerOrder {
    BeerOrder {
        id: Some(Uuid::new_v4()),
        customer_id: Uuid::nil(),
        customer_ref: reference.map(str::to_owned),
        beer_order_lines: Vec::new(),
        order_status_callback_url: None,
    }
}

/// Both ways of keeping orders answer alike: one order per customerRef and customer, any
/// number without one, each read back by its customer only.
async fn keeps_orders(book: &OrderBook) {
    let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let first = order(Some("R-1"));
    assert_eq!(
        book.insert(alice, &first).await.unwrap(),
        Inserted::Recorded
    );
    assert!(book.reference_taken(alice, "R-1").await.unwrap());
    assert!(!book.reference_taken(bob, "R-1").await.unwrap());
    assert_eq!(
        book.insert(alice, &order(Some("R-1"))).await.unwrap(),
        Inserted::ReferenceTaken
    );
    assert_eq!(
        book.insert(bob, &order(Some("R-1"))).await.unwrap(),
        Inserted::Recorded
    );
    for _ in 0..2 {
        assert_eq!(
            book.insert(alice, &order(None)).await.unwrap(),
            Inserted::Recorded
        );
    }
    let id = first.id.unwrap();
    assert_eq!(book.get(alice, id).await.unwrap(), Some(first));
    assert_eq!(book.get(bob, id).await.unwrap(), None);
    assert_eq!(book.get(alice, Uuid::new_v4()).await.unwrap(), None);
}

#[tokio::test]
async fn an_order_book_in_sqlite_keeps_orders() {
    let dir = tempfile::tempdir().unwrap();
    keeps_orders(&OrderBook::open(dir.path().join("orders.db")).unwrap()).await;
}

#[tokio::test]
async fn an_order_book_in_memory_keeps_orders_alike() {
    keeps_orders(&OrderBook::in_memory()).await;
}

#[tokio::test]
async fn an_order_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let placed = order(Some("R-9"));
    let customer = Uuid::new_v4();
    {
        let book = OrderBook::open(dir.path().join("orders.db")).unwrap();
        book.insert(customer, &placed).await.unwrap();
    }
    let book = OrderBook::open(dir.path().join("orders.db")).unwrap();
    assert_eq!(
        book.get(customer, placed.id.unwrap()).await.unwrap(),
        Some(placed)
    );
}
