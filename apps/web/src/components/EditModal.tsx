import { Modal, type ModalProps } from '@mantine/core';
import type { ReactNode } from 'react';

interface EditModalProps<T> {
  /** The record being edited, 'new' while adding one, null when closed. */
  editing: T | 'new' | null;
  onClose: () => void;
  addTitle: string;
  editTitle: string;
  size: ModalProps['size'];
  /** The form, given the record (null when adding). */
  children: (record: T | null) => ReactNode;
}

/** The dialog that adds a record to a list or edits one of its rows. */
export function EditModal<T>({ editing, onClose, addTitle, editTitle, size, children }: EditModalProps<T>) {
  return (
    <Modal opened={editing !== null} onClose={onClose} title={editing === 'new' ? addTitle : editTitle} size={size}>
      {editing !== null && children(editing === 'new' ? null : editing)}
    </Modal>
  );
}
