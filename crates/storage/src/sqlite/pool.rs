//! The threads the SQLite store runs its work on. Each owns its connection for life and takes
//! jobs from a queue, so a query costs one hand-over to a thread that is already waiting.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::configure;
use crate::{Result, StoreError};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A queue served by one or more threads, each with its own connection to the database.
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    /// Opens `threads` connections to `path`, each on its own thread.
    pub async fn start(path: &Path, name: &str, threads: usize) -> Result<Workers> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let (ready, opened) = oneshot::channel();
            let (path, queue): (PathBuf, _) = (path.to_path_buf(), queue.clone());
            std::thread::Builder::new()
                .name(format!("luoshi-sqlite-{name}-{n}"))
                .spawn(move || serve(&path, &queue, ready))
                .map_err(|e| StoreError::Backend(Box::new(e)))?;
            opened.await.map_err(|_| StoreError::Closed)??;
        }
        Ok(Workers { jobs })
    }

    /// Runs `f` on one of the connections; nothing else uses that connection meanwhile.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = done.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        result.await.map_err(|_| StoreError::Closed)?
    }
}

fn serve(path: &Path, queue: &Mutex<mpsc::Receiver<Job>>, ready: oneshot::Sender<Result<()>>) {
    let opened = Connection::open(path).and_then(|c| configure(&c).map(|()| c));
    let mut conn = match opened {
        Ok(c) => {
            let _ = ready.send(Ok(()));
            c
        }
        Err(e) => {
            let _ = ready.send(Err(StoreError::from(e)));
            return;
        }
    };
    loop {
        // The lock is held only while waiting for the next job, never while running one.
        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok(job) => job(&mut conn),
            // The store, and with it the sender, is gone.
            Err(mpsc::RecvError) => return,
        }
    }
}
