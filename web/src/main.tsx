/**
 * Fluxo's web app: the public portal (/portal), the operator console (/admin)
 * and the company console (/console), one bundle served by the gateway.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { Admin } from './admin';
import { Console } from './console';
import { Portal } from './portal';
import './styles.css';

function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/portal/*" element={<Portal />} />
        <Route path="/admin/*" element={<Admin />} />
        <Route path="/console/*" element={<Console />} />
        <Route path="*" element={<Navigate to="/portal" replace />} />
      </Routes>
    </BrowserRouter>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
