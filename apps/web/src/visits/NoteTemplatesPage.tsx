import { Select, Switch, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconTemplate } from '@tabler/icons-react';
import { type NoteTemplate, t, zNoteTemplateCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import { useAppointmentTypes } from '../schedule/api';
import { useNoteTemplates, useSaveTemplate } from './api';

interface TemplateValues {
  name: string;
  appointmentTypeId: string;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  active: boolean;
}

const ANY = '';

function toInput(values: TemplateValues) {
  return {
    name: values.name,
    appointmentTypeId: values.appointmentTypeId === ANY ? null : values.appointmentTypeId,
    subjective: values.subjective,
    objective: values.objective,
    assessment: values.assessment,
    plan: values.plan,
  };
}

function TemplateForm({ template, onClose }: { template: NoteTemplate | null; onClose: () => void }) {
  const save = useSaveTemplate();
  const types = useAppointmentTypes();
  const form = useForm<TemplateValues>({
    initialValues: {
      name: template?.name ?? '',
      appointmentTypeId: template?.appointmentTypeId ?? ANY,
      subjective: template?.subjective ?? '',
      objective: template?.objective ?? '',
      assessment: template?.assessment ?? '',
      plan: template?.plan ?? '',
      active: template?.active ?? true,
    },
    validate: zodValidator(zNoteTemplateCreate, toInput),
  });
  const onSave = async (values: TemplateValues) => {
    const body = template ? { ...toInput(values), active: values.active } : toInput(values);
    await save.mutateAsync({ id: template?.id, body });
    notifySuccess(t(template ? 'templates.saved' : 'templates.created', { name: values.name.trim() }));
  };
  const area = (field: 'subjective' | 'objective' | 'assessment' | 'plan', label: string) => (
    <Textarea label={label} autosize minRows={2} maxRows={10} {...form.getInputProps(field)} />
  );
  return (
    <RecordForm
      form={form}
      wasActive={template?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={template ? t('common.saveChanges') : t('templates.add')}
      deactivate={{
        title: t('templates.deactivateTitle', { name: template?.name ?? '' }),
        confirmLabel: t('templates.deactivate'),
        body: t('templates.deactivateBody'),
      }}
    >
      <TextInput label={t('templates.name')} required data-autofocus {...form.getInputProps('name')} />
      <Select
        label={t('templates.type')}
        description={t('templates.typeHint')}
        inputWrapperOrder={['label', 'input', 'description', 'error']}
        data={[
          { value: ANY, label: t('templates.anyType') },
          ...(types.data ?? []).filter((type) => type.active).map((type) => ({ value: type.id, label: type.name })),
        ]}
        allowDeselect={false}
        {...form.getInputProps('appointmentTypeId')}
      />
      {area('subjective', t('visit.subjective'))}
      {area('objective', t('visit.objective'))}
      {area('assessment', t('visit.assessment'))}
      {area('plan', t('visit.plan'))}
      {template && <Switch label={t('templates.active')} {...form.getInputProps('active', { type: 'checkbox' })} />}
    </RecordForm>
  );
}

const searchText = (tpl: NoteTemplate) => tpl.name;

/** SOAP note templates per appointment type: a visit of that type starts from its template. */
export function NoteTemplatesPage() {
  const { can } = useSession();
  const templates = useNoteTemplates();
  const types = useAppointmentTypes();
  const [editing, setEditing] = useState<NoteTemplate | 'new' | null>(null);
  const canManage = can('template.manage');
  const typeOf = new Map((types.data ?? []).map((type) => [type.id, type.name]));
  return (
    <>
      <PageHeader
        title={t('templates.title')}
        description={t('templates.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('templates.add')}</AddButton>}
      />
      <ListCard
        query={templates}
        searchText={searchText}
        searchLabel={t('templates.search')}
        empty={{ icon: <IconTemplate aria-hidden />, title: t('templates.none'), description: t('templates.noneHint') }}
        columns={[t('templates.name'), t('templates.type'), t('templates.preview'), t('common.status')]}
        cells={(template) => (
          <>
            <Table.Td fw={600}>{template.name}</Table.Td>
            <Table.Td>
              {template.appointmentTypeId ? (
                (typeOf.get(template.appointmentTypeId) ?? '')
              ) : (
                <Text size="sm" c="dimmed">
                  {t('templates.anyType')}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed" lineClamp={1} maw={360}>
                {[template.subjective, template.objective, template.assessment, template.plan]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            </Table.Td>
            <Table.Td>
              <ActiveBadge active={template.active} />
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (template) => (
                <EditButton
                  label={t('templates.editNamed', { name: template.name })}
                  onClick={() => setEditing(template)}
                />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('templates.addTitle')}
        editTitle={t('templates.editTitle')}
        size="xl"
      >
        {(template) => <TemplateForm template={template} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
