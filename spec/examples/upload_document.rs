//! Uploads a document (multipart/form-data) to reference from payins, payouts and RFIs.
//!
//! `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example upload_document -- invoice.pdf`

use glomo_sdk::FilePart;
use glomo_sdk::models::CreateDocumentRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;
    let file = match std::env::args().nth(1) {
        // File name and content type come from the path.
        Some(path) => FilePart::from_path(path)?,
        None => FilePart::new(
            b"%PDF-1.4 example".to_vec(),
            "invoice.pdf",
            "application/pdf",
        ),
    };
    let document = client
        .documents()
        .create(CreateDocumentRequest::new("Invoice 2026-002", file))
        .await?;
    println!("uploaded {:?}", document.id);
    Ok(())
}
